// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.DistinguishedNames;

namespace IdentityServer.Dcr.UnitTests.DistinguishedNames;

[TestFixture]
public sealed class DistinguishedNameAttributeTypesTests
{
    [TestCase("CN", DistinguishedNameAttributeTypes.CommonName)]
    [TestCase("cn", DistinguishedNameAttributeTypes.CommonName)]
    [TestCase("COMMONNAME", DistinguishedNameAttributeTypes.CommonName)]
    [TestCase("organizationIdentifier", DistinguishedNameAttributeTypes.OrganizationIdentifier)]
    [TestCase("OID.2.5.4.97", DistinguishedNameAttributeTypes.OrganizationIdentifier)]
    [TestCase("oid.2.5.4.97", DistinguishedNameAttributeTypes.OrganizationIdentifier)]
    [TestCase("E", DistinguishedNameAttributeTypes.EmailAddress)]
    [TestCase("emailAddress", DistinguishedNameAttributeTypes.EmailAddress)]
    [TestCase("S", DistinguishedNameAttributeTypes.StateOrProvince)]
    [TestCase("G", DistinguishedNameAttributeTypes.GivenName)]
    [TestCase("jurisdictionCountryName", DistinguishedNameAttributeTypes.JurisdictionCountry)]
    [TestCase("0.9.2342.19200300.100.1.25", DistinguishedNameAttributeTypes.DomainComponent)]
    [TestCase("2.999", "2.999")]
    public void TryGetOid_KnownNameOrOid_ReturnsOid(string name, string expected)
    {
        // Arrange
        // Act
        var found = DistinguishedNameAttributeTypes.TryGetOid(name, out var oid);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(oid, Is.EqualTo(expected));
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("Foo")]
    [TestCase("OID.")]
    [TestCase("OID.CN")]
    [TestCase("2")]
    [TestCase("2.")]
    [TestCase(".2.5")]
    [TestCase("2.5..4")]
    [TestCase("2.05.4")]
    [TestCase("3.5.4")]
    [TestCase("12.5.4")]
    [TestCase("2.5.4.3a")]
    public void TryGetOid_UnknownOrMalformed_ReturnsFalse(string? name)
    {
        // Arrange
        // Act
        var found = DistinguishedNameAttributeTypes.TryGetOid(name, out var oid);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(found, Is.False);
            Assert.That(oid, Is.Null);
        });
    }

    [TestCase(DistinguishedNameAttributeTypes.CommonName, "CN")]
    [TestCase(DistinguishedNameAttributeTypes.OrganizationIdentifier, "organizationIdentifier")]
    [TestCase(DistinguishedNameAttributeTypes.StateOrProvince, "ST")]
    [TestCase(DistinguishedNameAttributeTypes.SerialNumber, "SERIALNUMBER")]
    [TestCase(DistinguishedNameAttributeTypes.EmailAddress, "E")]
    [TestCase(DistinguishedNameAttributeTypes.JurisdictionCountry, "jurisdictionC")]
    [TestCase("1.2.3.4", null)]
    public void GetShortName_Oid_ReturnsShortNameOrNull(string oid, string? expected)
    {
        // Arrange
        // Act
        var name = DistinguishedNameAttributeTypes.GetShortName(oid);

        // Assert
        Assert.That(name, Is.EqualTo(expected));
    }

    [Test]
    public void GetShortName_EveryConstant_RoundTripsThroughTryGetOid()
    {
        // Arrange
        var oids = typeof(DistinguishedNameAttributeTypes).GetFields()
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();

        // Act
        var roundTripped = oids.Select(oid =>
            DistinguishedNameAttributeTypes.TryGetOid(DistinguishedNameAttributeTypes.GetShortName(oid), out var back) ? back : null);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(oids, Has.Length.GreaterThanOrEqualTo(27));
            Assert.That(roundTripped, Is.EqualTo(oids));
        });
    }
}
