// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Text;

namespace IdentityServer.Dcr.DistinguishedNames;

/// <summary>
/// Decodes the BER encoding of an attribute value (an RFC 4514 <c>#hex</c> string, or a value read from a
/// certificate) into text when it is one of the X.520 directory string types.
/// </summary>
internal static class AttributeValueDecoder
{
    /// <summary>Decodes one BER-encoded value.</summary>
    /// <param name="encoded">Exactly one BER tag-length-value.</param>
    /// <param name="value">
    /// The text of a character string; <see langword="null"/> when the encoding is well formed but not a character
    /// string type this decoder knows (the caller keeps it as binary).
    /// </param>
    /// <returns><see langword="false"/> when the encoding is malformed or the string contents are invalid.</returns>
    /// <remarks>
    /// T61String is read as .NET reads it (UTF-8 when the bytes are valid UTF-8, otherwise ISO-8859-1), so that a
    /// <c>#hex</c> value and the same value read from a certificate by <c>X500RelativeDistinguishedName</c> agree.
    /// </remarks>
    internal static bool TryDecode(ReadOnlyMemory<byte> encoded, out string? value)
    {
        value = null;
        try
        {
            var reader = new AsnReader(encoded, AsnEncodingRules.BER);
            var tag = reader.PeekTag();
            reader.ReadEncodedValue();
            if (reader.HasData)
            {
                return false;
            }

            if (tag.TagClass != TagClass.Universal)
            {
                return true;
            }

            var type = (UniversalTagNumber)tag.TagValue;
            switch (type)
            {
                case UniversalTagNumber.UTF8String:
                case UniversalTagNumber.NumericString:
                case UniversalTagNumber.PrintableString:
                case UniversalTagNumber.T61String:
                case UniversalTagNumber.IA5String:
                case UniversalTagNumber.VisibleString:
                case UniversalTagNumber.BMPString:
                    value = new AsnReader(encoded, AsnEncodingRules.BER).ReadCharacterString(type);
                    return true;
                case UniversalTagNumber.UniversalString when !tag.IsConstructed:
                    return TryDecodeUniversalString(encoded.Span, out value);
                default:
                    return true;
            }
        }
        catch (AsnContentException)
        {
            return false;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Formats a BER encoding as the <c>#hex</c> form of RFC 4514 (uppercase).</summary>
    /// <param name="encoded">The encoding.</param>
    /// <returns><c>#</c> followed by the hex digits.</returns>
    internal static string ToHexForm(ReadOnlySpan<byte> encoded) => "#" + Convert.ToHexString(encoded);

    // System.Formats.Asn1 does not read UniversalString (UTF-32BE), so read the primitive contents here.
    private static bool TryDecodeUniversalString(ReadOnlySpan<byte> encoded, out string? value)
    {
        value = null;
        AsnDecoder.ReadEncodedValue(encoded, AsnEncodingRules.BER, out var offset, out var length, out _);
        var contents = encoded.Slice(offset, length);
        if (contents.Length % 4 != 0)
        {
            return false;
        }

        var builder = new StringBuilder(contents.Length / 4);
        for (var i = 0; i < contents.Length; i += 4)
        {
            var scalar = BinaryPrimitives.ReadUInt32BigEndian(contents[i..]);
            if (scalar > 0x10FFFF || !Rune.IsValid((int)scalar))
            {
                return false;
            }

            builder.Append(new Rune((int)scalar).ToString());
        }

        value = builder.ToString();
        return true;
    }
}
