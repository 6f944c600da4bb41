// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.DistinguishedNames;

namespace IdentityServer.Dcr.UnitTests.DistinguishedNames;

/// <summary>FromX500 against real certificates made with <see cref="CertificateRequest"/>.</summary>
public sealed partial class DistinguishedNameTests
{
    private RSA _key = null!;

    [OneTimeSetUp]
    public void CreateKey() => _key = RSA.Create(2048);

    [OneTimeTearDown]
    public void DisposeKey() => _key.Dispose();

    private X509Certificate2 CreateCertificate(X500DistinguishedName subject)
    {
        var request = new CertificateRequest(subject, _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    // Name ::= SEQUENCE OF RelativeDistinguishedName; each RDN a SET OF (OID, value) written as given.
    private static X500DistinguishedName Encode(params (string Oid, UniversalTagNumber Type, string Value)[][] rdns)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var rdn in rdns)
            {
                using (writer.PushSetOf())
                {
                    foreach (var (oid, type, value) in rdn)
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(oid);
                            writer.WriteCharacterString(type, value);
                        }
                    }
                }
            }
        }

        return new X500DistinguishedName(writer.Encode());
    }

    private static X500DistinguishedName ObieSubject()
    {
        // The builder takes RDNs in display (RFC 4514) order and encodes them reversed: C first, as CAs do.
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName("0015800001041RbAAI");
        builder.Add(DistinguishedNameAttributeTypes.OrganizationIdentifier, "PSDGB-OB-Unknown0015800001041RbAAI");
        builder.AddOrganizationName("Open Banking, Limited (A)");
        builder.AddCountryOrRegion("GB");
        return builder.Build();
    }

    [TestCase(@"CN=0015800001041RbAAI,organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI,O=Open Banking\, Limited (A),C=GB")]
    [TestCase(@"C=GB,O=Open Banking\2C Limited (A),2.5.4.97=PSDGB-OB-Unknown0015800001041RbAAI,CN=0015800001041RbAAI")]
    [TestCase("C=GB, O=\"Open Banking, Limited (A)\", OID.2.5.4.97=PSDGB-OB-Unknown0015800001041RbAAI, CN=0015800001041RbAAI")]
    [TestCase("/C=GB/O=Open Banking, Limited (A)/organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI/CN=0015800001041RbAAI")]
    [TestCase("cn=0015800001041rbaai; o=\"open banking,  limited (a)\" ; c=gb ;organizationidentifier=psdgb-ob-unknown0015800001041rbaai")]
    public void FromX500_ObieCertificate_MatchesSubjectDnString(string subjectDn)
    {
        // Arrange
        using var certificate = CreateCertificate(ObieSubject());

        // Act
        var fromCertificate = DistinguishedName.FromX500(certificate.SubjectName);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(subjectDn)), Is.True);
            Assert.That(fromCertificate.GetValue(DistinguishedNameAttributeTypes.Organization), Is.EqualTo("Open Banking, Limited (A)"));
        });
    }

    [Test]
    public void FromX500_ObieCertificate_MatchesItsOwnDisplayStrings()
    {
        // Arrange
        using var certificate = CreateCertificate(ObieSubject());

        // Act
        var fromCertificate = DistinguishedName.FromX500(certificate.SubjectName);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(certificate.Subject)), Is.True, certificate.Subject);
            Assert.That(
                fromCertificate.Matches(DistinguishedName.Parse(certificate.SubjectName.Format(multiLine: false))),
                Is.True);
            Assert.That(
                fromCertificate.Matches(DistinguishedName.Parse(certificate.SubjectName.Decode(X500DistinguishedNameFlags.UseSemicolons))),
                Is.True);
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(fromCertificate.ToString())), Is.True);
        });
    }

    [Test]
    public void FromX500_ObieExampleCertificate_MatchesObieExampleString()
    {
        // Arrange
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName("0015800001041RbAAI");
        builder.Add("2.5.4.97", "PSDGB-OB-Unknown0015800001041RbAAI");
        builder.AddOrganizationName("Open Banking Limited (A)");
        builder.AddCountryOrRegion("GB");
        using var certificate = CreateCertificate(builder.Build());

        // Act
        var fromCertificate = DistinguishedName.FromX500(certificate.SubjectName);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(ObieDn)), Is.True);
            Assert.That(fromCertificate.ToString(), Is.EqualTo(ObieDn));
        });
    }

    [Test]
    public void FromX500_QuotesAndCommasInOrganization_MatchesEscapedAndDisplayForms()
    {
        // Arrange
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName("0015800001041RbAAI");
        builder.AddOrganizationName("Open \"Banking\", Ltd; <UK>");
        builder.AddCountryOrRegion("GB");
        using var certificate = CreateCertificate(builder.Build());

        // Act
        var fromCertificate = DistinguishedName.FromX500(certificate.SubjectName);

        // Assert
        const string Escaped = """CN=0015800001041RbAAI,O=Open \"Banking\"\, Ltd\; \<UK\>,C=GB""";
        Assert.Multiple(() =>
        {
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(Escaped)), Is.True);
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse("C=GB, O=\"Open \\\"Banking\\\", Ltd; <UK>\", CN=0015800001041RbAAI")), Is.True);
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(certificate.Subject)), Is.True, certificate.Subject);
            Assert.That(fromCertificate.ToString(), Is.EqualTo(Escaped));
        });
    }

    [Test]
    public void FromX500_LegacyCertificate_MatchesLegacyAndSlashForms()
    {
        // Arrange
        using var certificate = CreateCertificate(new X500DistinguishedName(
            "C=GB, O=OpenBanking, OU=0015800001041RbAAI, CN=Qeyb9TC0IzLympA9mKoSQ0"));

        // Act
        var fromCertificate = DistinguishedName.FromX500(certificate.SubjectName);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(LegacyDn)), Is.True);
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse("/C=GB/O=OpenBanking/OU=0015800001041RbAAI/CN=Qeyb9TC0IzLympA9mKoSQ0")), Is.True);
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse("CN=Qeyb9TC0IzLympA9mKoSQ0,OU=0015800001041RbAAI,O=OpenBanking,C=GB")), Is.True);
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse("CN=Qeyb9TC0IzLympA9mKoSQ0,OU=0015800001041RbAAJ,O=OpenBanking,C=GB")), Is.False);
        });
    }

    [TestCase("OU=0015800001041RbAAI+CN=Qeyb9TC0IzLympA9mKoSQ0,O=Open Banking\\, Ltd,C=GB")]
    [TestCase("CN=Qeyb9TC0IzLympA9mKoSQ0 + OU=0015800001041RbAAI, O=\"Open Banking, Ltd\", C=GB")]
    [TestCase("C=GB,O=Open Banking\\, Ltd,CN=Qeyb9TC0IzLympA9mKoSQ0,OU=0015800001041RbAAI")]
    public void FromX500_MultiValuedRdnCertificate_MatchesSubjectDnString(string subjectDn)
    {
        // Arrange
        using var certificate = CreateCertificate(Encode(
            [(DistinguishedNameAttributeTypes.Country, UniversalTagNumber.PrintableString, "GB")],
            [(DistinguishedNameAttributeTypes.Organization, UniversalTagNumber.UTF8String, "Open Banking, Ltd")],
            [
                (DistinguishedNameAttributeTypes.OrganizationalUnit, UniversalTagNumber.UTF8String, "0015800001041RbAAI"),
                (DistinguishedNameAttributeTypes.CommonName, UniversalTagNumber.UTF8String, "Qeyb9TC0IzLympA9mKoSQ0"),
            ]));

        // Act
        var fromCertificate = DistinguishedName.FromX500(certificate.SubjectName);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(subjectDn)), Is.True);
            Assert.That(fromCertificate.RelativeNames[0].IsMultiValued, Is.True);
            Assert.That(fromCertificate.RelativeNames[0].ToString(), Is.EqualTo("OU=0015800001041RbAAI+CN=Qeyb9TC0IzLympA9mKoSQ0"));
        });
    }

    [Test]
    public void FromX500_StringTypesInCertificate_DecodeLikeHexValues()
    {
        // Arrange
        using var certificate = CreateCertificate(Encode(
            [(DistinguishedNameAttributeTypes.Country, UniversalTagNumber.PrintableString, "GB")],
            [(DistinguishedNameAttributeTypes.Locality, UniversalTagNumber.T61String, "Zürich")],
            [(DistinguishedNameAttributeTypes.Organization, UniversalTagNumber.BMPString, "Ωmega Bank")],
            [
                (DistinguishedNameAttributeTypes.EmailAddress, UniversalTagNumber.IA5String, "ops@example.com"),
                (DistinguishedNameAttributeTypes.CommonName, UniversalTagNumber.UTF8String, "tpp-\u00E9"),
            ]));

        // Act
        var fromCertificate = DistinguishedName.FromX500(certificate.SubjectName);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(
                "CN=TPP-\u00C9+E=OPS@example.com,O=\u03A9MEGA BANK,L=z\u00FCrich,C=GB")), Is.True);
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(
                "CN=#0C067470702DC3A9+E=#160F6F7073406578616D706C652E636F6D,O=#1E1403A9006D006500670061002000420061006E006B,"
                + "L=#14075AC3BC72696368,C=#13024742")), Is.True);
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(
                "CN=tpp-\\C3\\A9+E=ops@example.com,O=\"\u03A9mega Bank\",L=#14065AFC72696368,C=GB")), Is.True);
        });
    }

    [Test]
    public void FromX500_UniversalStringAndBitString_DecodesOrKeepsBinary()
    {
        // Arrange
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(DistinguishedNameAttributeTypes.CommonName);
                writer.WriteEncodedValue(new byte[] { 0x1C, 0x08, 0, 0, 0, 0x41, 0, 0, 0, 0x42 });
            }

            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.3.4");
                writer.WriteBitString([0xAB, 0xCD]);
            }
        }

        using var certificate = CreateCertificate(new X500DistinguishedName(writer.Encode()));

        // Act
        var fromCertificate = DistinguishedName.FromX500(certificate.SubjectName);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(fromCertificate.GetValue("CN"), Is.EqualTo("AB"));
            Assert.That(fromCertificate.RelativeNames[0].Attributes[0].IsBinary, Is.True);
            Assert.That(fromCertificate.GetValue("1.2.3.4"), Is.EqualTo("#030300ABCD"));
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse("CN=ab,1.2.3.4=#030300abcd")), Is.True);
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse("CN=ab,1.2.3.4=\\#030300ABCD")), Is.False);
        });
    }

    [TestCase("130140", TestName = "FromX500_PrintableStringWithAt_KeepsBinaryWithoutThrowing")]
    [TestCase("1E01AA", TestName = "FromX500_OddLengthBmpString_KeepsBinaryWithoutThrowing")]
    [TestCase("0C01FF", TestName = "FromX500_InvalidUtf8String_KeepsBinaryWithoutThrowing")]
    public void FromX500_InvalidStringContents_KeepsBinaryWithoutThrowing(string valueHex)
    {
        // Arrange: .NET's GetSingleElementValue throws for these, so no certificate is needed to show it.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(DistinguishedNameAttributeTypes.CommonName);
            writer.WriteEncodedValue(Convert.FromHexString(valueHex));
        }

        var subject = new X500DistinguishedName(writer.Encode());

        // Act
        var fromSubject = DistinguishedName.FromX500(subject);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(fromSubject.RelativeNames.Single().Attributes.Single().IsBinary, Is.True);
            Assert.That(fromSubject.GetValue("CN"), Is.EqualTo("#" + valueHex));
        });
    }

    [Test]
    public void FromX500_RequiredPartOfSubject_IsSubsetOfCertificate()
    {
        // Arrange
        using var certificate = CreateCertificate(ObieSubject());
        var required = DistinguishedName.Parse("organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI,CN=0015800001041RbAAI");

        // Act
        var fromCertificate = DistinguishedName.FromX500(certificate.SubjectName);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(required.IsSubsetOf(fromCertificate), Is.True);
            Assert.That(required.Matches(fromCertificate), Is.False);
            Assert.That(fromCertificate.IsSubsetOf(required), Is.False);
        });
    }

    [Test]
    public void FromX500_EmptySubject_HasNoRelativeNames()
    {
        // Arrange
        using var certificate = CreateCertificate(new X500DistinguishedName([0x30, 0x00]));

        // Act
        var fromCertificate = DistinguishedName.FromX500(certificate.SubjectName);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(fromCertificate.RelativeNames, Is.Empty);
            Assert.That(fromCertificate.ToString(), Is.Empty);
            Assert.That(fromCertificate.Matches(DistinguishedName.Parse(ObieDn)), Is.False);
        });
    }

    [Test]
    public void FromX500_Null_Throws()
    {
        // Arrange
        // Act
        // Assert
        Assert.That(() => DistinguishedName.FromX500(null!), Throws.ArgumentNullException);
    }
}
