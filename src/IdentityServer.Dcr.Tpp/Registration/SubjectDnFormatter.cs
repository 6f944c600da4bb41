// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace IdentityServer.Dcr.Tpp.Registration;

/// <summary>
/// Writes a certificate subject as an RFC 4514 string, for <c>tls_client_auth_subject_dn</c>: RDNs in reverse
/// order of the ASN.1 encoding (most specific first, so <c>CN=…,OU=…,O=…,C=GB</c>), separated by <c>,</c> without
/// spaces; attributes of a multi-valued RDN joined by <c>+</c>; the RFC 4514 short names where they exist, the
/// LDAP descriptor for <c>organizationIdentifier</c> and <c>serialNumber</c> (met in OBWAC/eIDAS subjects), and the
/// dotted OID with a <c>#</c>-hex BER value otherwise; special characters escaped.
/// </summary>
internal static class SubjectDnFormatter
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.6"] = "C",
        ["2.5.4.9"] = "STREET",
        ["0.9.2342.19200300.100.1.25"] = "DC",
        ["0.9.2342.19200300.100.1.1"] = "UID",
        ["2.5.4.97"] = "organizationIdentifier",
        ["2.5.4.5"] = "serialNumber",
    };

    public static string Format(X500DistinguishedName name)
    {
        var builder = new StringBuilder();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true))
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            AppendRdn(builder, rdn.RawData);
        }

        return builder.ToString();
    }

    private static void AppendRdn(StringBuilder builder, ReadOnlyMemory<byte> rawRdn)
    {
        // RelativeDistinguishedName ::= SET OF AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }
        var set = new AsnReader(rawRdn, AsnEncodingRules.DER).ReadSetOf();
        var first = true;
        while (set.HasData)
        {
            var attribute = set.ReadSequence();
            var oid = attribute.ReadObjectIdentifier();
            var encodedValue = attribute.ReadEncodedValue();
            if (!first)
            {
                builder.Append('+');
            }

            first = false;
            if (Names.TryGetValue(oid, out var shortName) && TryReadString(encodedValue, out var text))
            {
                builder.Append(shortName).Append('=').Append(Escape(text));
            }
            else
            {
                builder.Append(oid).Append("=#").Append(Convert.ToHexStringLower(encodedValue.Span));
            }
        }
    }

    private static bool TryReadString(ReadOnlyMemory<byte> encoded, out string text)
    {
        text = "";
        var reader = new AsnReader(encoded, AsnEncodingRules.BER);
        var tag = reader.PeekTag();
        if (tag.TagClass != TagClass.Universal)
        {
            return false;
        }

        switch ((UniversalTagNumber)tag.TagValue)
        {
            case UniversalTagNumber.UTF8String:
            case UniversalTagNumber.PrintableString:
            case UniversalTagNumber.IA5String:
            case UniversalTagNumber.BMPString:
            case UniversalTagNumber.T61String:
            case UniversalTagNumber.VisibleString:
                text = reader.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                return true;
            default:
                return false;
        }
    }

    /// <summary>RFC 4514 §2.4: escape <c>" + , ; &lt; &gt; \</c>, a leading <c>#</c> or space, a trailing space, and NUL.</summary>
    internal static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"' or '+' or ',' or ';' or '<' or '>' or '\\':
                    builder.Append('\\').Append(c);
                    break;
                case '#' when i == 0:
                    builder.Append("\\#");
                    break;
                case ' ' when i == 0 || i == value.Length - 1:
                    builder.Append("\\ ");
                    break;
                case '\0':
                    builder.Append("\\00");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }
}
