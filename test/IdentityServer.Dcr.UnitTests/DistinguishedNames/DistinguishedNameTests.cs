// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.DistinguishedNames;

namespace IdentityServer.Dcr.UnitTests.DistinguishedNames;

/// <summary>Parsing. Matching, formatting, malformed input and certificates are in the other partial files.</summary>
[TestFixture]
public sealed partial class DistinguishedNameTests
{
    private const string ObieDn =
        "CN=0015800001041RbAAI,organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI,O=Open Banking Limited (A),C=GB";

    private const string LegacyDn = "C=GB, O=OpenBanking, OU=0015800001041RbAAI, CN=Qeyb9TC0IzLympA9mKoSQ0";

    private static (string Oid, string Value)[] Flatten(DistinguishedName name) =>
        [.. name.RelativeNames.SelectMany(rdn => rdn.Attributes).Select(a => (a.Oid, a.Value))];

    [Test]
    public void Parse_ObieDn_ReadsEveryAttributeInOrder()
    {
        // Arrange
        // Act
        var name = DistinguishedName.Parse(ObieDn);

        // Assert
        Assert.That(Flatten(name), Is.EqualTo(new[]
        {
            (DistinguishedNameAttributeTypes.CommonName, "0015800001041RbAAI"),
            (DistinguishedNameAttributeTypes.OrganizationIdentifier, "PSDGB-OB-Unknown0015800001041RbAAI"),
            (DistinguishedNameAttributeTypes.Organization, "Open Banking Limited (A)"),
            (DistinguishedNameAttributeTypes.Country, "GB"),
        }));
    }

    [Test]
    public void Parse_LegacyDn_ReadsEveryAttributeInOrder()
    {
        // Arrange
        // Act
        var name = DistinguishedName.Parse(LegacyDn);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(Flatten(name), Is.EqualTo(new[]
            {
                (DistinguishedNameAttributeTypes.Country, "GB"),
                (DistinguishedNameAttributeTypes.Organization, "OpenBanking"),
                (DistinguishedNameAttributeTypes.OrganizationalUnit, "0015800001041RbAAI"),
                (DistinguishedNameAttributeTypes.CommonName, "Qeyb9TC0IzLympA9mKoSQ0"),
            }));
            Assert.That(name.RelativeNames.Any(rdn => rdn.IsMultiValued), Is.False);
        });
    }

    [TestCase("C=GB,O=OpenBanking,OU=0015800001041RbAAI,CN=Qeyb9TC0IzLympA9mKoSQ0", TestName = "Parse_CommaWithoutSpaces_ReadsSameAttributes")]
    [TestCase("C=GB;O=OpenBanking;OU=0015800001041RbAAI;CN=Qeyb9TC0IzLympA9mKoSQ0", TestName = "Parse_SemicolonSeparators_ReadsSameAttributes")]
    [TestCase("C=GB; O=OpenBanking ;OU=0015800001041RbAAI ; CN=Qeyb9TC0IzLympA9mKoSQ0", TestName = "Parse_SemicolonsWithSpaces_ReadsSameAttributes")]
    [TestCase("  C = GB ,O= OpenBanking,\tOU =0015800001041RbAAI,CN=Qeyb9TC0IzLympA9mKoSQ0  ", TestName = "Parse_SpacesAroundEqualsAndSeparators_ReadsSameAttributes")]
    [TestCase("/C=GB/O=OpenBanking/OU=0015800001041RbAAI/CN=Qeyb9TC0IzLympA9mKoSQ0", TestName = "Parse_OpenSslSlashForm_ReadsSameAttributes")]
    [TestCase(" /C=GB / O=OpenBanking/OU=0015800001041RbAAI/ CN=Qeyb9TC0IzLympA9mKoSQ0", TestName = "Parse_OpenSslSlashFormWithSpaces_ReadsSameAttributes")]
    [TestCase("c=GB,o=OpenBanking,ou=0015800001041RbAAI,cn=Qeyb9TC0IzLympA9mKoSQ0", TestName = "Parse_LowerCaseTypes_ReadsSameAttributes")]
    [TestCase("countryName=GB,organizationName=OpenBanking,organizationalUnitName=0015800001041RbAAI,commonName=Qeyb9TC0IzLympA9mKoSQ0", TestName = "Parse_LongTypeNames_ReadsSameAttributes")]
    [TestCase("2.5.4.6=GB,2.5.4.10=OpenBanking,2.5.4.11=0015800001041RbAAI,2.5.4.3=Qeyb9TC0IzLympA9mKoSQ0", TestName = "Parse_DottedOids_ReadsSameAttributes")]
    [TestCase("OID.2.5.4.6=GB,oid.2.5.4.10=OpenBanking,OID.2.5.4.11=0015800001041RbAAI,OID.2.5.4.3=Qeyb9TC0IzLympA9mKoSQ0", TestName = "Parse_OidPrefixedOids_ReadsSameAttributes")]
    public void Parse_EquivalentSpelling_ReadsSameAttributes(string value)
    {
        // Arrange
        var expected = Flatten(DistinguishedName.Parse(LegacyDn));

        // Act
        var actual = Flatten(DistinguishedName.Parse(value));

        // Assert
        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCase("CN=a", "2.5.4.3")]
    [TestCase("commonName=a", "2.5.4.3")]
    [TestCase("OID.2.5.4.3=a", "2.5.4.3")]
    [TestCase("organizationIdentifier=a", "2.5.4.97")]
    [TestCase("2.5.4.97=a", "2.5.4.97")]
    [TestCase("OID.2.5.4.97=a", "2.5.4.97")]
    [TestCase("E=a", "1.2.840.113549.1.9.1")]
    [TestCase("emailAddress=a", "1.2.840.113549.1.9.1")]
    [TestCase("SERIALNUMBER=a", "2.5.4.5")]
    [TestCase("serialNumber=a", "2.5.4.5")]
    [TestCase("S=a", "2.5.4.8")]
    [TestCase("ST=a", "2.5.4.8")]
    [TestCase("STREET=a", "2.5.4.9")]
    [TestCase("L=a", "2.5.4.7")]
    [TestCase("DC=a", "0.9.2342.19200300.100.1.25")]
    [TestCase("UID=a", "0.9.2342.19200300.100.1.1")]
    [TestCase("GN=a", "2.5.4.42")]
    [TestCase("givenName=a", "2.5.4.42")]
    [TestCase("SN=a", "2.5.4.4")]
    [TestCase("surname=a", "2.5.4.4")]
    [TestCase("T=a", "2.5.4.12")]
    [TestCase("postalCode=a", "2.5.4.17")]
    [TestCase("businessCategory=a", "2.5.4.15")]
    [TestCase("jurisdictionC=a", "1.3.6.1.4.1.311.60.2.1.3")]
    [TestCase("1.3.6.1.4.1.311.60.2.1.3=a", "1.3.6.1.4.1.311.60.2.1.3")]
    [TestCase("1.2.3.4.5=a", "1.2.3.4.5")]
    public void Parse_AttributeTypeSpelling_ResolvesOid(string value, string expectedOid)
    {
        // Arrange
        // Act
        var attribute = DistinguishedName.Parse(value).RelativeNames.Single().Attributes.Single();

        // Assert
        Assert.That(attribute, Is.EqualTo(new DistinguishedNameAttribute(expectedOid, "a")));
    }

    [TestCase(@"O=Open Banking\, Limited", "Open Banking, Limited")]
    [TestCase(@"O=a\+b", "a+b")]
    [TestCase(@"O=a\""b", "a\"b")]
    [TestCase(@"O=a\\b", @"a\b")]
    [TestCase(@"O=a\<b\>", "a<b>")]
    [TestCase(@"O=a\;b", "a;b")]
    [TestCase(@"O=a\=b", "a=b")]
    [TestCase(@"O=\#a", "#a")]
    [TestCase(@"O=a\2Cb", "a,b")]
    [TestCase(@"O=a\2cb", "a,b")]
    [TestCase(@"O=\C3\A9t\C3\A9", "été")]
    [TestCase(@"O=\E2\82\AC", "€")]
    [TestCase(@"O=\ a\ ", " a ")]
    [TestCase(@"O=a\ ", "a ")]
    [TestCase(@"O=a   ", "a")]
    [TestCase(@"O=a  b", "a  b")]
    [TestCase(@"O=a=b", "a=b")]
    [TestCase(@"O=", "")]
    [TestCase(@"/O=a\/b", "a/b")]
    [TestCase(@"/O=a,b", "a,b")]
    public void Parse_EscapedValue_Unescapes(string value, string expected)
    {
        // Arrange
        // Act
        var actual = DistinguishedName.Parse(value).GetValue(DistinguishedNameAttributeTypes.Organization);

        // Assert
        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCase(@"O=""Open Banking, Limited""", "Open Banking, Limited")]
    [TestCase(@"O= ""a;b+c=d<e>f"" ", "a;b+c=d<e>f")]
    [TestCase(@"O=""say \""hi\""""", @"say ""hi""")]
    [TestCase(@"O=""say """"hi""""""", @"say ""hi""")]
    [TestCase(@"O="" padded """, " padded ")]
    [TestCase(@"O=""""", "")]
    public void Parse_QuotedValue_Unquotes(string value, string expected)
    {
        // Arrange
        // Act
        var actual = DistinguishedName.Parse(value).GetValue(DistinguishedNameAttributeTypes.Organization);

        // Assert
        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCase("C=#13024742", "GB", TestName = "Parse_HexPrintableString_Decodes")]
    [TestCase("C=#0C024742", "GB", TestName = "Parse_HexUtf8String_Decodes")]
    [TestCase("C=#16024742", "GB", TestName = "Parse_HexIa5String_Decodes")]
    [TestCase("C=#14024742", "GB", TestName = "Parse_HexT61String_Decodes")]
    [TestCase("C=#1401E9", "é", TestName = "Parse_HexT61StringLatin1_Decodes")]
    [TestCase("C=#1E0400470042", "GB", TestName = "Parse_HexBmpString_Decodes")]
    [TestCase("C=#1C080000004700000042", "GB", TestName = "Parse_HexUniversalString_Decodes")]
    public void Parse_HexValue_DecodesDirectoryString(string value, string expected)
    {
        // Arrange
        // Act
        var actual = DistinguishedName.Parse(value).GetValue(DistinguishedNameAttributeTypes.Country);

        // Assert
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void Parse_HexNonStringValue_KeepsBinary()
    {
        // Arrange
        // Act
        var attribute = DistinguishedName.Parse("1.2.3.4=#0402ABcd").RelativeNames.Single().Attributes.Single();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(attribute.IsBinary, Is.True);
            Assert.That(attribute.Value, Is.EqualTo("#0402ABCD"));
        });
    }

    [TestCase("OU=a+CN=b,O=c", 2)]
    [TestCase("OU=a + CN=b + DC=c, O=c", 3)]
    [TestCase("/OU=a+CN=b/O=c", 2)]
    public void Parse_MultiValuedRdn_GroupsAttributes(string value, int expectedCount)
    {
        // Arrange
        // Act
        var name = DistinguishedName.Parse(value);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(name.RelativeNames, Has.Count.EqualTo(2));
            Assert.That(name.RelativeNames[0].IsMultiValued, Is.True);
            Assert.That(name.RelativeNames[0].Attributes, Has.Count.EqualTo(expectedCount));
            Assert.That(name.RelativeNames[1].IsMultiValued, Is.False);
        });
    }

    [TestCase("CN")]
    [TestCase("commonName")]
    [TestCase("2.5.4.3")]
    public void GetValue_OidOrName_ReturnsFirstValue(string type)
    {
        // Arrange
        var name = DistinguishedName.Parse("OU=x,CN=first,CN=second");

        // Act
        var value = name.GetValue(type);

        // Assert
        Assert.That(value, Is.EqualTo("first"));
    }

    [Test]
    public void GetValue_AbsentAttribute_ReturnsNull()
    {
        // Arrange
        var name = DistinguishedName.Parse(ObieDn);

        // Act
        var value = name.GetValue(DistinguishedNameAttributeTypes.OrganizationalUnit);

        // Assert
        Assert.That(value, Is.Null);
    }
}
