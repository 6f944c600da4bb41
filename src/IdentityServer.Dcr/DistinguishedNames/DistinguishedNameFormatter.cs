// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace IdentityServer.Dcr.DistinguishedNames;

/// <summary>
/// Writes names in the string form of RFC 4514: RDNs separated by <c>,</c>, the attributes of a multi-valued RDN by
/// <c>+</c>, short type names where known and dotted OIDs otherwise, values escaped.
/// </summary>
internal static class DistinguishedNameFormatter
{
    /// <summary>Formats RDNs in the order given.</summary>
    /// <param name="relativeNames">The RDNs.</param>
    /// <returns>The string form.</returns>
    internal static string Format(IEnumerable<RelativeDistinguishedName> relativeNames)
    {
        var builder = new StringBuilder();
        foreach (var rdn in relativeNames)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            Append(builder, rdn);
        }

        return builder.ToString();
    }

    /// <summary>Formats one RDN.</summary>
    /// <param name="relativeName">The RDN.</param>
    /// <returns>The string form.</returns>
    internal static string Format(RelativeDistinguishedName relativeName)
    {
        var builder = new StringBuilder();
        Append(builder, relativeName);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, RelativeDistinguishedName relativeName)
    {
        for (var i = 0; i < relativeName.Attributes.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('+');
            }

            var attribute = relativeName.Attributes[i];
            builder.Append(DistinguishedNameAttributeTypes.GetShortName(attribute.Oid) ?? attribute.Oid).Append('=');
            if (attribute.IsBinary)
            {
                builder.Append(attribute.Value);
            }
            else
            {
                AppendEscaped(builder, attribute.Value);
            }
        }
    }

    // RFC 4514 section 2.4: escape the special characters, a leading '#' or space, a trailing space and NUL. Other
    // control characters are written as hex pairs too, so that the result is safe to log and parses back exactly.
    private static void AppendEscaped(StringBuilder builder, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '"' or '+' or ',' or ';' or '<' or '>' or '\\'
                || (i == 0 && c is '#' or ' ')
                || (i == value.Length - 1 && c == ' '))
            {
                builder.Append('\\').Append(c);
            }
            else if (char.IsControl(c))
            {
                AppendHexPairs(builder, c);
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    // Control characters are U+0000-U+001F and U+007F-U+009F: one or two bytes of UTF-8.
    private static void AppendHexPairs(StringBuilder builder, char c)
    {
        if (c <= '\u007F')
        {
            builder.Append('\\').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            return;
        }

        builder.Append('\\').Append((0xC0 | (c >> 6)).ToString("X2", CultureInfo.InvariantCulture))
            .Append('\\').Append((0x80 | (c & 0x3F)).ToString("X2", CultureInfo.InvariantCulture));
    }
}
