// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text;

namespace IdentityServer.Dcr.DistinguishedNames;

/// <summary>
/// Prepares attribute values for X.520 <c>caseIgnoreMatch</c>: Unicode NFKC, runs of whitespace folded to one space,
/// leading and trailing whitespace removed. Case is ignored by the comparer, <see cref="StringComparer.OrdinalIgnoreCase"/>.
/// </summary>
internal static class AttributeValueNormalizer
{
    /// <summary>The comparer of normalised values.</summary>
    internal static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>Normalises a value.</summary>
    /// <param name="value">The value, as decoded.</param>
    /// <returns>The normalised value; compare it with <see cref="Comparer"/>.</returns>
    internal static string Normalize(string value)
    {
        // string.Normalize throws on ill-formed UTF-16 (a lone surrogate, possible in a certificate's BMPString)
        // and, with ICU, on noncharacters such as U+FFFF; such a value is compared as it is.
        var composed = value;
        if (IsWellFormed(value))
        {
            try
            {
                composed = value.Normalize(NormalizationForm.FormKC);
            }
            catch (ArgumentException)
            {
                composed = value;
            }
        }
        var builder = new StringBuilder(composed.Length);
        var pendingSpace = false;
        foreach (var c in composed)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Whether a string is well-formed UTF-16 (no lone surrogate).</summary>
    /// <param name="value">The string.</param>
    /// <returns><see langword="true"/> when every surrogate is part of a pair.</returns>
    internal static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
