// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.DistinguishedNames;

namespace IdentityServer.Dcr.UnitTests.DistinguishedNames;

/// <summary>Matches, IsSubsetOf, Equals and GetHashCode.</summary>
public sealed partial class DistinguishedNameTests
{
    [TestCase(ObieDn, ObieDn)]
    [TestCase(ObieDn, "C=GB,O=Open Banking Limited (A),organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI,CN=0015800001041RbAAI")]
    [TestCase(ObieDn, "O=Open Banking Limited (A), CN=0015800001041RbAAI, C=GB, OID.2.5.4.97=PSDGB-OB-Unknown0015800001041RbAAI")]
    [TestCase(ObieDn, "/C=GB/O=Open Banking Limited (A)/2.5.4.97=PSDGB-OB-Unknown0015800001041RbAAI/CN=0015800001041RbAAI")]
    [TestCase(ObieDn, "cn=0015800001041rbaai;organizationidentifier=psdgb-ob-unknown0015800001041rbaai;o=OPEN BANKING LIMITED (A);c=gb")]
    [TestCase(ObieDn, "CN=0015800001041RbAAI,organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI,O=\"Open  Banking\tLimited (A) \",C=GB")]
    [TestCase(ObieDn, "CN=0015800001041RbAAI,organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI,O=Open\\20Banking Limited \\28A\\29,C=#13024742")]
    [TestCase(LegacyDn, "CN=Qeyb9TC0IzLympA9mKoSQ0, OU=0015800001041RbAAI, O=OpenBanking, C=GB")]
    [TestCase(LegacyDn, "/C=GB/O=OpenBanking/OU=0015800001041RbAAI/CN=Qeyb9TC0IzLympA9mKoSQ0")]
    [TestCase(LegacyDn, "OU=0015800001041RbAAI;C=GB;CN=Qeyb9TC0IzLympA9mKoSQ0;O=OpenBanking")]
    [TestCase("OU=a+CN=b,O=c", "CN=b+OU=a,O=c")]
    [TestCase("OU=a+CN=b,O=c", "O=c,CN=b,OU=a")]
    [TestCase("O=\uFB01nance", "O=FINANCE")]
    [TestCase("O=Caf\u00E9", "O=CAFE\u0301")]
    [TestCase("O=a\u00A0b", "O=a b")]
    [TestCase("O=x,O=x,C=GB", "C=GB,O=X,O=x")]
    public void Matches_EquivalentNames_ReturnsTrue(string left, string right)
    {
        // Arrange
        var x = DistinguishedName.Parse(left);
        var y = DistinguishedName.Parse(right);

        // Act
        var matches = x.Matches(y);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(matches, Is.True);
            Assert.That(y.Matches(x), Is.True);
            Assert.That(x, Is.EqualTo(y));
            Assert.That(x.GetHashCode(), Is.EqualTo(y.GetHashCode()));
        });
    }

    [TestCase(ObieDn, "CN=0015800001041RbAAJ,organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI,O=Open Banking Limited (A),C=GB", TestName = "Matches_DifferentValue_ReturnsFalse")]
    [TestCase(ObieDn, "CN=0015800001041RbAAI,O=Open Banking Limited (A),C=GB", TestName = "Matches_MissingAttribute_ReturnsFalse")]
    [TestCase(ObieDn, ObieDn + ",OU=extra", TestName = "Matches_ExtraAttribute_ReturnsFalse")]
    [TestCase(ObieDn, "OU=0015800001041RbAAI,organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI,O=Open Banking Limited (A),C=GB", TestName = "Matches_SameValueOtherType_ReturnsFalse")]
    [TestCase("O=OpenBanking", "O=Open Banking", TestName = "Matches_InternalSpaceRemoved_ReturnsFalse")]
    [TestCase("O=x,C=GB", "O=x,O=x,C=GB", TestName = "Matches_DuplicatedAttribute_ReturnsFalse")]
    [TestCase("C=GB", "C=#04024742", TestName = "Matches_BinaryValueWithSameBytes_ReturnsFalse")]
    public void Matches_DifferentNames_ReturnsFalse(string left, string right)
    {
        // Arrange
        var x = DistinguishedName.Parse(left);
        var y = DistinguishedName.Parse(right);

        // Act
        var matches = x.Matches(y);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(matches, Is.False);
            Assert.That(y.Matches(x), Is.False);
            Assert.That(x, Is.Not.EqualTo(y));
        });
    }

    [TestCase("CN=0015800001041RbAAI,organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI", ObieDn, true)]
    [TestCase("organizationIdentifier=psdgb-ob-unknown0015800001041rbaai", ObieDn, true)]
    [TestCase(ObieDn, ObieDn, true)]
    [TestCase(ObieDn, ObieDn + ",OU=extra", true)]
    [TestCase("CN=b", "OU=a+CN=b,O=c", true)]
    [TestCase(ObieDn + ",OU=extra", ObieDn, false)]
    [TestCase("CN=other,organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI", ObieDn, false)]
    [TestCase("O=x,O=x", "O=x,C=GB", false)]
    [TestCase("O=x,O=x", "O=X,C=GB,O=x", true)]
    public void IsSubsetOf_Table_ReturnsExpected(string required, string presented, bool expected)
    {
        // Arrange
        var x = DistinguishedName.Parse(required);
        var y = DistinguishedName.Parse(presented);

        // Act
        var isSubset = x.IsSubsetOf(y);

        // Assert
        Assert.That(isSubset, Is.EqualTo(expected));
    }

    [Test]
    public void Equals_NullOrOtherType_ReturnsFalse()
    {
        // Arrange
        var name = DistinguishedName.Parse(ObieDn);

        // Act
        var equalToString = name.Equals((object)"CN=x");
        var equalToNull = name.Equals(null);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(equalToNull, Is.False);
            Assert.That(equalToString, Is.False);
        });
    }

    [Test]
    public void GetHashCode_UsedAsKey_FindsEquivalentName()
    {
        // Arrange
        var set = new HashSet<DistinguishedName> { DistinguishedName.Parse(ObieDn) };

        // Act
        var found = set.Contains(DistinguishedName.Parse("/C=gb/O=Open Banking Limited (A)/OID.2.5.4.97=PSDGB-OB-Unknown0015800001041RbAAI/CN=0015800001041RbAAI"));

        // Assert
        Assert.That(found, Is.True);
    }

    [Test]
    public void Matches_NullArgument_Throws()
    {
        // Arrange
        var name = DistinguishedName.Parse(ObieDn);

        // Act
        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(() => name.Matches(null!), Throws.ArgumentNullException);
            Assert.That(() => name.IsSubsetOf(null!), Throws.ArgumentNullException);
            Assert.That(() => name.GetValue(null!), Throws.ArgumentNullException);
        });
    }
}
