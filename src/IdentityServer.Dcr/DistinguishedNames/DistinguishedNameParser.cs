// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace IdentityServer.Dcr.DistinguishedNames;

/// <summary>
/// Parses the string forms of a distinguished name met in Open Banking: RFC 4514 and RFC 2253 (<c>,</c>), RFC 1779
/// and .NET (<c>, </c> or <c>;</c>, quoted values, <c>OID.</c> prefixes) and the OpenSSL one-line form
/// (<c>/C=GB/O=…</c>). Never throws: every malformed input makes <see cref="TryParse"/> return <see langword="false"/>.
/// </summary>
/// <remarks>
/// Lenient where real inputs differ: whitespace around <c>=</c>, <c>+</c> and separators is skipped, unescaped
/// trailing whitespace is dropped, and <c>=</c>, <c>#</c>, <c>&lt;</c>, <c>&gt;</c> and <c>"</c> are accepted
/// inside an unquoted value. Strict where leniency could hide a different name: unknown attribute names, an
/// attribute without <c>=</c>, an empty RDN, a dangling or unknown escape, odd or non-hex digits, hex pairs that are
/// not UTF-8, a <c>#hex</c> value that is not one BER value and input longer than <see cref="MaxLength"/>.
/// </remarks>
internal sealed class DistinguishedNameParser
{
    /// <summary>The longest input accepted, in characters.</summary>
    internal const int MaxLength = 4096;

    private readonly string _text;
    private readonly bool _slashForm;
    private int _position;

    private DistinguishedNameParser(string text)
    {
        _text = text;
        SkipSpaces();
        _slashForm = !AtEnd && Current == '/';
        if (_slashForm)
        {
            _position++;
        }
    }

    private bool AtEnd => _position >= _text.Length;

    private char Current => _text[_position];

    /// <summary>Parses a distinguished name.</summary>
    /// <param name="text">The string form.</param>
    /// <param name="relativeNames">The RDNs, in the order written, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the input is a well-formed name.</returns>
    internal static bool TryParse(string? text, [NotNullWhen(true)] out IReadOnlyList<RelativeDistinguishedName>? relativeNames)
    {
        relativeNames = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength || !AttributeValueNormalizer.IsWellFormed(text))
        {
            return false;
        }

        return new DistinguishedNameParser(text).TryParseName(out relativeNames);
    }

    private bool TryParseName([NotNullWhen(true)] out IReadOnlyList<RelativeDistinguishedName>? relativeNames)
    {
        relativeNames = null;
        var names = new List<RelativeDistinguishedName>();
        var attributes = new List<DistinguishedNameAttribute>();
        while (true)
        {
            if (!TryParseAttribute(out var attribute))
            {
                return false;
            }

            attributes.Add(attribute);
            SkipSpaces();
            if (AtEnd)
            {
                names.Add(new RelativeDistinguishedName(attributes));
                relativeNames = names;
                return true;
            }

            var separator = _text[_position++];
            if (separator == '+')
            {
                continue;
            }

            if (!IsRdnSeparator(separator))
            {
                return false;
            }

            names.Add(new RelativeDistinguishedName(attributes));
            attributes = [];
        }
    }

    private bool TryParseAttribute([NotNullWhen(true)] out DistinguishedNameAttribute? attribute)
    {
        attribute = null;
        SkipSpaces();
        var start = _position;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current is '-' or '.'))
        {
            _position++;
        }

        if (!DistinguishedNameAttributeTypes.TryGetOid(_text[start.._position], out var oid))
        {
            return false;
        }

        SkipSpaces();
        if (AtEnd || Current != '=')
        {
            return false;
        }

        _position++;
        SkipSpaces();
        if (AtEnd)
        {
            attribute = new DistinguishedNameAttribute(oid, string.Empty);
            return true;
        }

        return Current switch
        {
            '#' => TryParseHexValue(oid, out attribute),
            '"' => TryParseQuotedValue(oid, out attribute),
            _ => TryParseStringValue(oid, out attribute),
        };
    }

    // RFC 4514 hexstring: '#' and the BER encoding of the value.
    private bool TryParseHexValue(string oid, [NotNullWhen(true)] out DistinguishedNameAttribute? attribute)
    {
        attribute = null;
        var start = ++_position;
        while (!AtEnd && char.IsAsciiHexDigit(Current))
        {
            _position++;
        }

        var hex = _text.AsSpan(start, _position - start);
        if (hex.IsEmpty || hex.Length % 2 != 0)
        {
            return false;
        }

        var encoded = Convert.FromHexString(hex);
        if (!AttributeValueDecoder.TryDecode(encoded, out var value))
        {
            return false;
        }

        attribute = value is null
            ? new DistinguishedNameAttribute(oid, AttributeValueDecoder.ToHexForm(encoded)) { IsBinary = true }
            : new DistinguishedNameAttribute(oid, value);
        return true;
    }

    // RFC 1779 / RFC 2253 quoted value. Inside the quotes, backslash escapes apply and "" is a quote (as .NET writes it).
    private bool TryParseQuotedValue(string oid, [NotNullWhen(true)] out DistinguishedNameAttribute? attribute)
    {
        attribute = null;
        _position++;
        var builder = new StringBuilder();
        while (true)
        {
            if (AtEnd)
            {
                return false;
            }

            var c = Current;
            if (c == '\\')
            {
                if (!TryAppendEscape(builder))
                {
                    return false;
                }

                continue;
            }

            _position++;
            if (c != '"')
            {
                builder.Append(c);
            }
            else if (!AtEnd && Current == '"')
            {
                builder.Append('"');
                _position++;
            }
            else
            {
                break;
            }
        }

        attribute = new DistinguishedNameAttribute(oid, builder.ToString());
        return true;
    }

    private bool TryParseStringValue(string oid, [NotNullWhen(true)] out DistinguishedNameAttribute? attribute)
    {
        attribute = null;
        var builder = new StringBuilder();
        var significantLength = 0;
        while (!AtEnd)
        {
            var c = Current;
            if (c == '\\')
            {
                if (!TryAppendEscape(builder))
                {
                    return false;
                }

                significantLength = builder.Length;
                continue;
            }

            if (c == '+' || IsRdnSeparator(c))
            {
                break;
            }

            builder.Append(c);
            _position++;
            if (!IsSpace(c))
            {
                significantLength = builder.Length;
            }
        }

        // Unescaped trailing whitespace is not part of the value; an escaped one is.
        builder.Length = significantLength;
        attribute = new DistinguishedNameAttribute(oid, builder.ToString());
        return true;
    }

    // At a backslash: \<special> is the character, a run of \XX pairs is UTF-8; anything else is malformed.
    private bool TryAppendEscape(StringBuilder builder)
    {
        _position++;
        if (AtEnd)
        {
            return false;
        }

        var c = Current;
        if (char.IsAsciiHexDigit(c))
        {
            return TryAppendHexPairs(builder);
        }

        if (c is not (',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' or '#' or ' ' or '/'))
        {
            return false;
        }

        builder.Append(c);
        _position++;
        return true;
    }

    private bool TryAppendHexPairs(StringBuilder builder)
    {
        var bytes = new List<byte>();
        while (true)
        {
            if (_position + 1 >= _text.Length || !char.IsAsciiHexDigit(Current) || !char.IsAsciiHexDigit(_text[_position + 1]))
            {
                return false;
            }

            bytes.Add((byte)((HexDigit(Current) << 4) | HexDigit(_text[_position + 1])));
            _position += 2;
            if (_position + 1 >= _text.Length || Current != '\\' || !char.IsAsciiHexDigit(_text[_position + 1]))
            {
                break;
            }

            _position++;
        }

        var utf8 = CollectionsMarshal.AsSpan(bytes);
        if (!Utf8.IsValid(utf8))
        {
            return false;
        }

        builder.Append(Encoding.UTF8.GetString(utf8));
        return true;
    }

    private bool IsRdnSeparator(char c) => _slashForm ? c == '/' : c is ',' or ';';

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static int HexDigit(char c) => char.IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;

    private void SkipSpaces()
    {
        while (!AtEnd && IsSpace(Current))
        {
            _position++;
        }
    }
}
