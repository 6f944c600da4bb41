// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.DistinguishedNames;

namespace IdentityServer.Dcr.UnitTests.DistinguishedNames;

/// <summary>ToString: the canonical RFC 4514 form.</summary>
public sealed partial class DistinguishedNameTests
{
    [TestCase(ObieDn, ObieDn)]
    [TestCase(LegacyDn, "C=GB,O=OpenBanking,OU=0015800001041RbAAI,CN=Qeyb9TC0IzLympA9mKoSQ0")]
    [TestCase("/C=GB/O=OpenBanking", "C=GB,O=OpenBanking")]
    [TestCase("commonName=a; OID.2.5.4.97=b; 2.5.4.15=c; emailAddress=d; S=e; G=f", "CN=a,organizationIdentifier=b,businessCategory=c,E=d,ST=e,GN=f")]
    [TestCase("1.2.3.4=x + cn=y", "1.2.3.4=x+CN=y")]
    [TestCase("O=\"Open Banking, Limited\"", @"O=Open Banking\, Limited")]
    [TestCase(@"O=a\2Cb\+c\""d\\e\<f\>g\;h", @"O=a\,b\+c\""d\\e\<f\>g\;h")]
    [TestCase(@"O=\#a#", @"O=\#a#")]
    [TestCase(@"O=\ a \ ", @"O=\ a \ ")]
    [TestCase(@"O=a\0Db\00", @"O=a\0Db\00")]
    [TestCase(@"O=\C2\85", @"O=\C2\85")]
    [TestCase("O=a=b/c", "O=a=b/c")]
    [TestCase("C=#13024742", "C=GB")]
    [TestCase("1.2.3.4=#0402abcd", "1.2.3.4=#0402ABCD")]
    [TestCase("O=", "O=")]
    public void ToString_ParsedName_WritesCanonicalForm(string value, string expected)
    {
        // Arrange
        var name = DistinguishedName.Parse(value);

        // Act
        var text = name.ToString();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(text, Is.EqualTo(expected));
            Assert.That(
                DistinguishedName.Parse(text).RelativeNames.SelectMany(r => r.Attributes),
                Is.EqualTo(name.RelativeNames.SelectMany(r => r.Attributes)));
        });
    }
}
