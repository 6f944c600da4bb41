// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.DistinguishedNames;

/// <summary>
/// Reads the RDNs of an encoded <see cref="X500DistinguishedName"/> (a certificate's subject or issuer), never its
/// display string, whose separators, quoting and type names vary by platform.
/// </summary>
internal static class X500NameConverter
{
    /// <summary>Reads the RDNs, in the order of <see cref="X500DistinguishedName.Name"/> (most specific first).</summary>
    /// <param name="name">The encoded name.</param>
    /// <returns>The RDNs; empty for an empty name.</returns>
    /// <exception cref="CryptographicException">The name is not a valid DER <c>Name</c>.</exception>
    internal static IReadOnlyList<RelativeDistinguishedName> ReadRelativeNames(X500DistinguishedName name)
    {
        var names = new List<RelativeDistinguishedName>();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true))
        {
            var oid = rdn.HasMultipleElements ? null : rdn.GetSingleElementType().Value;
            var value = oid is null ? null : TryGetSingleElementValue(rdn);
            names.Add(oid is not null && value is not null
                ? new RelativeDistinguishedName([new DistinguishedNameAttribute(oid, value)])
                : new RelativeDistinguishedName(ReadAttributes(rdn.RawData)));
        }

        return names;
    }

    // Null for a value .NET does not read as a string (UniversalString, BIT STRING, ...). .NET throws for a string
    // type with invalid contents (a PrintableString holding '@', an odd-length BMPString): ReadAttributes then keeps
    // the value as binary, so such a subject fails to match instead of failing the request.
    private static string? TryGetSingleElementValue(X500RelativeDistinguishedName rdn)
    {
        try
        {
            return rdn.GetSingleElementValue();
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    // Multi-valued RDNs, and single values that TryGetSingleElementValue could not read.
    private static List<DistinguishedNameAttribute> ReadAttributes(ReadOnlyMemory<byte> rawData)
    {
        try
        {
            // RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
            var attributes = new List<DistinguishedNameAttribute>();
            var set = new AsnReader(rawData, AsnEncodingRules.DER).ReadSetOf(skipSortOrderValidation: true);
            while (set.HasData)
            {
                var typeAndValue = set.ReadSequence();
                var oid = typeAndValue.ReadObjectIdentifier();
                var encoded = typeAndValue.ReadEncodedValue();
                typeAndValue.ThrowIfNotEmpty();
                attributes.Add(AttributeValueDecoder.TryDecode(encoded, out var value) && value is not null
                    ? new DistinguishedNameAttribute(oid, value)
                    : new DistinguishedNameAttribute(oid, AttributeValueDecoder.ToHexForm(encoded.Span)) { IsBinary = true });
            }

            return attributes;
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("The distinguished name is not a valid DER encoding.", ex);
        }
    }
}
