// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;

namespace IdentityServer.Dcr.Tokens;

/// <summary>
/// Checks that every member name and string value of a parsed JSON document can be read. System.Text.Json validates
/// UTF-8 and escapes only when a string is read, and then throws <see cref="InvalidOperationException"/> (ill-formed
/// UTF-8 inside a string, a lone surrogate escape such as <c>\uD800</c>), including from
/// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>. A reader of untrusted JSON checks this once, right
/// after parsing, and refuses the document, so that no later read can throw (RFC 7493 I-JSON: strings must be valid
/// Unicode).
/// </summary>
internal static class JsonStrings
{
    /// <summary>Whether every member name and string value under <paramref name="element"/> is well-formed Unicode.</summary>
    /// <param name="element">The element (typically the root of a document just parsed).</param>
    /// <returns><see langword="false"/> when reading one of them would throw.</returns>
    public static bool AreWellFormed(JsonElement element)
    {
        try
        {
            ReadEveryString(element);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // Reads every member name and string value once; an ill-formed one makes the read throw.
    private static void ReadEveryString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    ReadEveryString(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ReadEveryString(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }
}
