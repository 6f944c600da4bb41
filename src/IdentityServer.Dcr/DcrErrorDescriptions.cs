// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace IdentityServer.Dcr;

/// <summary>
/// The catalogue of the error descriptions the engine and its plug-ins return in <c>error_description</c>, one named
/// text per rule (tests and TPPs rely on them byte for byte), in partial files by area: transport and request
/// parsing, software statement, registration request and metadata, authorization requests, client authentication,
/// management. Descriptions name the offending claim and what is expected; they never echo tokens or secrets, and
/// client text is passed through <see cref="Truncate"/>. Members a plug-in needs are public; the rest are internal.
/// </summary>
public static partial class DcrErrorDescriptions
{
    /// <summary>
    /// The most characters of a JWKS lookup's reason written into an error description (reasons come from a
    /// pluggable resolver and may quote the kid).
    /// </summary>
    internal const int MaxReasonLength = 200;

    internal const string ClientDisabled = "The client is disabled by the bank.";

    /// <summary>
    /// A JWKS lookup's reason, cut to <see cref="MaxReasonLength"/>, to embed in a description, without its own full stop
    /// (the description ends the sentence: no "..").
    /// </summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The text to embed.</returns>
    internal static string Reason(string? reason) => Truncate(reason, MaxReasonLength).TrimEnd('.');

    internal static string AlgorithmNotAccepted(string what, string algorithm, IEnumerable<string> accepted)
        => $"The {what} is signed with {Truncate(algorithm)}; accepted: {string.Join(", ", accepted)}.";

    /// <summary>
    /// Makes client text fit to echo in a description (and so in a log line): control, format (bidi overrides,
    /// zero-width), separator and lone surrogate characters are written as <c>\uXXXX</c>, so that the description
    /// stays one honest line, and the result is cut after about <paramref name="max"/> characters with an ellipsis.
    /// </summary>
    /// <param name="value">The client's text.</param>
    /// <param name="max">The most characters written before the ellipsis (an escape may add five).</param>
    /// <returns>The text to embed.</returns>
    internal static string Truncate(string? value, int max = 80)
    {
        if (value is null)
        {
            return "(none)";
        }

        var builder = new StringBuilder(Math.Min(value.Length, max) + 8);
        for (var i = 0; i < value.Length; i++)
        {
            if (builder.Length >= max)
            {
                return builder.Append('…').ToString();
            }

            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
