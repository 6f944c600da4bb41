// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Tpp.Authorization;

namespace IdentityServer.Dcr.Tpp.Tests.Authorization;

[TestFixture]
public sealed class PkceTests
{
    [Test]
    public void Challenge_Rfc7636AppendixB_S256OfTheVerifier()
        => Assert.That(Pkce.Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), Is.EqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));

    [Test]
    public void CreateVerifier_43UnreservedCharactersAndFreshEachTime()
    {
        var first = Pkce.CreateVerifier();
        var second = Pkce.CreateVerifier();

        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Length.EqualTo(43));
            Assert.That(Pkce.IsValidVerifier(first), Is.True);
            Assert.That(second, Is.Not.EqualTo(first));
            Assert.That(Pkce.Challenge(first), Is.Not.EqualTo(first));
        });
    }

    [TestCase("short")]
    [TestCase("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+")]
    [TestCase("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX k")]
    public void Challenge_InvalidVerifier_Refused(string verifier)
        => Assert.That(() => Pkce.Challenge(verifier), Throws.TypeOf<TppException>().With.Message.Contains("RFC 7636"));
}
