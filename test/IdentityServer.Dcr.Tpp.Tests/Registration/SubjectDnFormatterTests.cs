// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Tpp.Registration;

namespace IdentityServer.Dcr.Tpp.Tests.Registration;

[TestFixture]
public sealed class SubjectDnFormatterTests
{
    [Test]
    public void Format_UsualEncoding_CountryFirstInAsn1_StartsWithCommonName()
    {
        // Arrange: encoded C, O, OU, CN (the X.509 convention), which .NET shows as "CN=…, OU=…, O=…, C=GB".
        var name = Encode(("2.5.4.6", "GB"), ("2.5.4.10", "OpenBanking"), ("2.5.4.11", "0015800001SandboxOrg"), ("2.5.4.3", "MySandboxApp01"));

        // Act
        var dn = SubjectDnFormatter.Format(name);

        // Assert
        Assert.That(dn, Is.EqualTo("CN=MySandboxApp01,OU=0015800001SandboxOrg,O=OpenBanking,C=GB"));
    }

    [Test]
    public void Format_CommonNameFirstInAsn1_EndsWithCommonName()
    {
        // Arrange: encoded CN, OU, O, C, as the demo host's sandbox CA issues them (OpenSSL -nameopt RFC2253 agrees).
        var name = Encode(("2.5.4.3", "MySandboxApp01"), ("2.5.4.11", "0015800001SandboxOrg"), ("2.5.4.10", "OpenBanking"), ("2.5.4.6", "GB"));

        // Act
        var dn = SubjectDnFormatter.Format(name);

        // Assert: RFC 4514 §2.1 starts with the last RDN of the sequence.
        Assert.That(dn, Is.EqualTo("C=GB,O=OpenBanking,OU=0015800001SandboxOrg,CN=MySandboxApp01"));
    }

    [Test]
    public void Format_AnyCertificate_IsDotNetNameOrderWithoutSpaces()
    {
        // Arrange
        var name = new X500DistinguishedName("CN=TPP Ltd, OU=Payments, O=Test TPP, L=London, C=GB");

        // Act
        var dn = SubjectDnFormatter.Format(name);

        // Assert
        Assert.That(dn, Is.EqualTo("CN=TPP Ltd,OU=Payments,O=Test TPP,L=London,C=GB"));
    }

    [Test]
    public void Format_ObwacSubject_UsesOrganizationIdentifierDescriptor()
    {
        // Arrange
        var name = Encode(("2.5.4.6", "GB"), ("2.5.4.10", "Test TPP Ltd"), ("2.5.4.97", "PSDGB-OB-Unknown0015800001SandboxOrg"), ("2.5.4.3", "0015800001SandboxOrg"));

        // Act
        var dn = SubjectDnFormatter.Format(name);

        // Assert
        Assert.That(dn, Is.EqualTo("CN=0015800001SandboxOrg,organizationIdentifier=PSDGB-OB-Unknown0015800001SandboxOrg,O=Test TPP Ltd,C=GB"));
    }

    [TestCase("Smith, Jones + Co", @"Smith\, Jones \+ Co")]
    [TestCase("#hash", @"\#hash")]
    [TestCase(" padded ", @"\ padded\ ")]
    [TestCase("a;b<c>d\"e\\f", @"a\;b\<c\>d\""e\\f")]
    [TestCase("plain-value_1.2", "plain-value_1.2")]
    public void Escape_SpecialCharacters_FollowRfc4514(string value, string expected)
    {
        // Arrange / Act
        var escaped = SubjectDnFormatter.Escape(value);

        // Assert
        Assert.That(escaped, Is.EqualTo(expected));
    }

    [Test]
    public void Format_UnknownAttributeType_WritesDottedOidAndHexValue()
    {
        // Arrange
        var name = Encode(("1.2.3.4", "x"), ("2.5.4.3", "TPP"));

        // Act
        var dn = SubjectDnFormatter.Format(name);

        // Assert: 0c 01 78 is the DER UTF8String "x".
        Assert.That(dn, Is.EqualTo("CN=TPP,1.2.3.4=#0c0178"));
    }

    [Test]
    public void Format_MultiValuedRdn_JoinsWithPlus()
    {
        // Arrange
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSetOf())
            {
                WriteAttribute(writer, "2.5.4.3", "TPP");
                WriteAttribute(writer, "2.5.4.11", "Payments");
            }
        }

        // Act
        var dn = SubjectDnFormatter.Format(new X500DistinguishedName(writer.Encode()));

        // Assert: DER sorts the SET OF by encoding, so the order inside the RDN is the encoded one.
        Assert.That(dn.Split('+'), Is.EquivalentTo(new[] { "CN=TPP", "OU=Payments" }));
    }

    /// <summary>A name whose RDNs are encoded in exactly the order given, one attribute each, as UTF8String.</summary>
    private static X500DistinguishedName Encode(params (string Oid, string Value)[] rdns)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var (oid, value) in rdns)
            {
                using (writer.PushSetOf())
                {
                    WriteAttribute(writer, oid, value);
                }
            }
        }

        return new X500DistinguishedName(writer.Encode());
    }

    private static void WriteAttribute(AsnWriter writer, string oid, string value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
        }
    }
}
