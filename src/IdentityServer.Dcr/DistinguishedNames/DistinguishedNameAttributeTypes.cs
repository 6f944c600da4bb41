// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace IdentityServer.Dcr.DistinguishedNames;

/// <summary>
/// The object identifiers (OIDs) of the attribute types met in certificate subjects, and the lookup between their
/// names and OIDs used when parsing and formatting a <see cref="DistinguishedName"/>.
/// </summary>
/// <remarks>
/// Names are looked up case-insensitively and include the RFC 4514 short names, the X.520 / RFC 4519 long names and
/// the spellings of OpenSSL and .NET (<c>S</c> for <c>ST</c>, <c>E</c> and <c>emailAddress</c>, <c>G</c> and
/// <c>GN</c>). A dotted OID, with or without an <c>OID.</c> prefix, is accepted for any type. <c>SN</c> is
/// <c>surname</c> (2.5.4.4) as in RFC 4519, OpenSSL and .NET; a few toolkits use it for <c>serialNumber</c>.
/// </remarks>
public static class DistinguishedNameAttributeTypes
{
    /// <summary><c>CN</c>, <c>commonName</c>: 2.5.4.3.</summary>
    public const string CommonName = "2.5.4.3";

    /// <summary><c>SN</c>, <c>surname</c>: 2.5.4.4.</summary>
    public const string Surname = "2.5.4.4";

    /// <summary><c>SERIALNUMBER</c>, <c>serialNumber</c>: 2.5.4.5.</summary>
    public const string SerialNumber = "2.5.4.5";

    /// <summary><c>C</c>, <c>countryName</c>: 2.5.4.6.</summary>
    public const string Country = "2.5.4.6";

    /// <summary><c>L</c>, <c>localityName</c>: 2.5.4.7.</summary>
    public const string Locality = "2.5.4.7";

    /// <summary><c>ST</c>, <c>S</c>, <c>stateOrProvinceName</c>: 2.5.4.8.</summary>
    public const string StateOrProvince = "2.5.4.8";

    /// <summary><c>STREET</c>, <c>streetAddress</c>: 2.5.4.9.</summary>
    public const string Street = "2.5.4.9";

    /// <summary><c>O</c>, <c>organizationName</c>: 2.5.4.10.</summary>
    public const string Organization = "2.5.4.10";

    /// <summary><c>OU</c>, <c>organizationalUnitName</c>: 2.5.4.11.</summary>
    public const string OrganizationalUnit = "2.5.4.11";

    /// <summary><c>T</c>, <c>title</c>: 2.5.4.12.</summary>
    public const string Title = "2.5.4.12";

    /// <summary><c>description</c>: 2.5.4.13.</summary>
    public const string Description = "2.5.4.13";

    /// <summary><c>businessCategory</c>: 2.5.4.15.</summary>
    public const string BusinessCategory = "2.5.4.15";

    /// <summary><c>postalCode</c>: 2.5.4.17.</summary>
    public const string PostalCode = "2.5.4.17";

    /// <summary><c>postOfficeBox</c>: 2.5.4.18.</summary>
    public const string PostOfficeBox = "2.5.4.18";

    /// <summary><c>name</c>: 2.5.4.41.</summary>
    public const string Name = "2.5.4.41";

    /// <summary><c>GN</c>, <c>G</c>, <c>givenName</c>: 2.5.4.42.</summary>
    public const string GivenName = "2.5.4.42";

    /// <summary><c>initials</c>, <c>I</c>: 2.5.4.43.</summary>
    public const string Initials = "2.5.4.43";

    /// <summary><c>generationQualifier</c>: 2.5.4.44.</summary>
    public const string GenerationQualifier = "2.5.4.44";

    /// <summary><c>dnQualifier</c>: 2.5.4.46.</summary>
    public const string DnQualifier = "2.5.4.46";

    /// <summary><c>pseudonym</c>: 2.5.4.65.</summary>
    public const string Pseudonym = "2.5.4.65";

    /// <summary>
    /// <c>organizationIdentifier</c>: 2.5.4.97. In eIDAS (QWAC/QSealC) and Open Banking certificates it holds the
    /// competent-authority registration, for example <c>PSDGB-FCA-123456</c> or <c>PSDGB-OB-Unknown0015800001041RbAAI</c>.
    /// </summary>
    public const string OrganizationIdentifier = "2.5.4.97";

    /// <summary><c>UID</c>, <c>userId</c>: 0.9.2342.19200300.100.1.1.</summary>
    public const string UserId = "0.9.2342.19200300.100.1.1";

    /// <summary><c>DC</c>, <c>domainComponent</c>: 0.9.2342.19200300.100.1.25.</summary>
    public const string DomainComponent = "0.9.2342.19200300.100.1.25";

    /// <summary><c>E</c>, <c>emailAddress</c> (PKCS #9): 1.2.840.113549.1.9.1.</summary>
    public const string EmailAddress = "1.2.840.113549.1.9.1";

    /// <summary><c>jurisdictionL</c>, <c>jurisdictionLocalityName</c> (EV certificates): 1.3.6.1.4.1.311.60.2.1.1.</summary>
    public const string JurisdictionLocality = "1.3.6.1.4.1.311.60.2.1.1";

    /// <summary><c>jurisdictionST</c>, <c>jurisdictionStateOrProvinceName</c> (EV certificates): 1.3.6.1.4.1.311.60.2.1.2.</summary>
    public const string JurisdictionStateOrProvince = "1.3.6.1.4.1.311.60.2.1.2";

    /// <summary><c>jurisdictionC</c>, <c>jurisdictionCountryName</c> (EV certificates): 1.3.6.1.4.1.311.60.2.1.3.</summary>
    public const string JurisdictionCountry = "1.3.6.1.4.1.311.60.2.1.3";

    // The first name of each entry is the one written by DistinguishedName.ToString().
    private static readonly (string Oid, string[] Names)[] KnownTypes =
    [
        (CommonName, ["CN", "commonName"]),
        (Surname, ["SN", "surname"]),
        (SerialNumber, ["SERIALNUMBER", "serialNumber"]),
        (Country, ["C", "countryName"]),
        (Locality, ["L", "localityName"]),
        (StateOrProvince, ["ST", "S", "stateOrProvinceName"]),
        (Street, ["STREET", "streetAddress"]),
        (Organization, ["O", "organizationName"]),
        (OrganizationalUnit, ["OU", "organizationalUnitName"]),
        (Title, ["T", "title"]),
        (Description, ["description"]),
        (BusinessCategory, ["businessCategory"]),
        (PostalCode, ["postalCode"]),
        (PostOfficeBox, ["postOfficeBox"]),
        (Name, ["name"]),
        (GivenName, ["GN", "G", "givenName"]),
        (Initials, ["initials", "I"]),
        (GenerationQualifier, ["generationQualifier"]),
        (DnQualifier, ["dnQualifier"]),
        (Pseudonym, ["pseudonym"]),
        (OrganizationIdentifier, ["organizationIdentifier"]),
        (UserId, ["UID", "userId"]),
        (DomainComponent, ["DC", "domainComponent"]),
        (EmailAddress, ["E", "emailAddress", "email"]),
        (JurisdictionLocality, ["jurisdictionL", "jurisdictionLocalityName", "jurisdictionOfIncorporationLocalityName"]),
        (JurisdictionStateOrProvince, ["jurisdictionST", "jurisdictionStateOrProvinceName", "jurisdictionOfIncorporationStateOrProvinceName"]),
        (JurisdictionCountry, ["jurisdictionC", "jurisdictionCountryName", "jurisdictionOfIncorporationCountryName"]),
    ];

    private static readonly FrozenDictionary<string, string> OidsByName = KnownTypes
        .SelectMany(t => t.Names.Select(n => KeyValuePair.Create(n, t.Oid)))
        .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> ShortNamesByOid = KnownTypes
        .ToFrozenDictionary(t => t.Oid, t => t.Names[0], StringComparer.Ordinal);

    /// <summary>
    /// Resolves an attribute type as written in a distinguished name to its OID: a known name (case-insensitive,
    /// for example <c>CN</c>, <c>cn</c>, <c>commonName</c>), a dotted OID (<c>2.5.4.3</c>) or a dotted OID with the
    /// <c>OID.</c> prefix of RFC 1779 and .NET (<c>OID.2.5.4.97</c>).
    /// </summary>
    /// <param name="name">The attribute type.</param>
    /// <param name="oid">The dotted OID when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the name is known or is a well-formed OID.</returns>
    public static bool TryGetOid(string? name, [NotNullWhen(true)] out string? oid)
    {
        oid = null;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        if (OidsByName.TryGetValue(name, out var known))
        {
            oid = known;
            return true;
        }

        var dotted = name.StartsWith("OID.", StringComparison.OrdinalIgnoreCase) ? name[4..] : name;
        if (IsNumericOid(dotted))
        {
            oid = dotted;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Gets the short name written for an OID by <see cref="DistinguishedName.ToString"/>, for example <c>CN</c> for
    /// 2.5.4.3 or <c>organizationIdentifier</c> for 2.5.4.97.
    /// </summary>
    /// <param name="oid">The dotted OID.</param>
    /// <returns>The short name, or <see langword="null"/> when the OID is not one of the known types.</returns>
    public static string? GetShortName(string oid)
    {
        ArgumentNullException.ThrowIfNull(oid);
        return ShortNamesByOid.GetValueOrDefault(oid);
    }

    /// <summary>
    /// Whether a string is a dotted OID as RFC 4512 <c>numericoid</c> defines it: at least two arcs of decimal
    /// digits without leading zeros, the first 0, 1 or 2.
    /// </summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> when well-formed.</returns>
    internal static bool IsNumericOid(ReadOnlySpan<char> value)
    {
        var arcs = 0;
        var start = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i < value.Length && value[i] != '.')
            {
                if (!char.IsAsciiDigit(value[i]))
                {
                    return false;
                }

                continue;
            }

            var arc = value[start..i];
            if (arc.IsEmpty || (arc.Length > 1 && arc[0] == '0') || (arcs == 0 && (arc.Length > 1 || arc[0] > '2')))
            {
                return false;
            }

            arcs++;
            start = i + 1;
        }

        return arcs >= 2;
    }
}
