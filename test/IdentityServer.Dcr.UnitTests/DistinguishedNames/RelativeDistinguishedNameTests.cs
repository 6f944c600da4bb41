// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.DistinguishedNames;

namespace IdentityServer.Dcr.UnitTests.DistinguishedNames;

[TestFixture]
public sealed class RelativeDistinguishedNameTests
{
    [TestCase("CN=a", false, "CN=a")]
    [TestCase("OU=a + cn=b", true, "OU=a+CN=b")]
    [TestCase("2.5.4.97=x\\,y+1.2.3=#0401FF", true, "organizationIdentifier=x\\,y+1.2.3=#0401FF")]
    public void ToString_ParsedRdn_WritesRfc4514Form(string value, bool multiValued, string expected)
    {
        // Arrange
        var rdn = DistinguishedName.Parse(value).RelativeNames.Single();

        // Act
        var text = rdn.ToString();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(rdn.IsMultiValued, Is.EqualTo(multiValued));
            Assert.That(text, Is.EqualTo(expected));
        });
    }

    [Test]
    public void Attributes_ParsedRdn_CannotBeModified()
    {
        // Arrange
        var rdn = DistinguishedName.Parse("OU=a+CN=b").RelativeNames.Single();

        // Act
        var list = rdn.Attributes as IList<DistinguishedNameAttribute>;

        // Assert
        Assert.That(list?.IsReadOnly, Is.True);
    }
}
