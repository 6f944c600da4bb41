// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Tpp.Authorization;

namespace IdentityServer.Dcr.Tpp.Tests.Authorization;

[TestFixture]
public sealed class AuthorizationResponseTests
{
    [Test]
    public void Parse_HybridUrl_FragmentParameters()
    {
        var response = AuthorizationResponse.Parse("https://tpp.example.com/callback#code=c-1&id_token=a.b.c&state=s%2B1");

        Assert.Multiple(() =>
        {
            Assert.That(response.Code, Is.EqualTo("c-1"));
            Assert.That(response.IdToken, Is.EqualTo("a.b.c"));
            Assert.That(response.State, Is.EqualTo("s+1"));
            Assert.That(response.FromFragment, Is.True);
            Assert.That(response.RedirectUri!.AbsoluteUri, Is.EqualTo("https://tpp.example.com/callback"));
        });
    }

    [Test]
    public void Parse_CodeUrl_QueryParameters()
    {
        var response = AuthorizationResponse.Parse("  https://tpp.example.com/callback?code=c-1&state=s-1&iss=https%3A%2F%2Fbank.example.com%2F\n");

        Assert.Multiple(() =>
        {
            Assert.That(response.Code, Is.EqualTo("c-1"));
            Assert.That(response.State, Is.EqualTo("s-1"));
            Assert.That(response.Issuer, Is.EqualTo("https://bank.example.com/"));
            Assert.That(response.FromFragment, Is.False);
        });
    }

    [TestCase("#code=c-1&state=s-1", true)]
    [TestCase("code=c-1&state=s-1", true)]
    [TestCase("?code=c-1&state=s-1", false)]
    public void Parse_FragmentOrQueryAlone(string input, bool fromFragment)
    {
        var response = AuthorizationResponse.Parse(input);

        Assert.Multiple(() =>
        {
            Assert.That(response.Code, Is.EqualTo("c-1"));
            Assert.That(response.State, Is.EqualTo("s-1"));
            Assert.That(response.RedirectUri, Is.Null);
            Assert.That(response.FromFragment, Is.EqualTo(fromFragment));
        });
    }

    [Test]
    public void Parse_ErrorResponse_ErrorAndDescriptionDecoded()
    {
        var response = AuthorizationResponse.Parse("https://tpp.example.com/callback#error=access_denied&error_description=The+customer+rejected%20it&state=s-1");

        Assert.Multiple(() =>
        {
            Assert.That(response.Error, Is.EqualTo("access_denied"));
            Assert.That(response.ErrorDescription, Is.EqualTo("The customer rejected it"));
            Assert.That(response.Code, Is.Null);
        });
    }

    [TestCase("https://tpp.example.com/callback#code=c-1&state=s-1&state=forged", "more than once")]
    [TestCase("code=c-1&code=c-2", "more than once")]
    [TestCase("https://tpp.example.com/callback", "carries no response")]
    [TestCase("https://tpp.example.com/callback#", "carries no response")]
    [TestCase("   ", "empty")]
    [TestCase("file:///etc/passwd#code=x", "not a URL")]
    [TestCase("https://[bad#code=x", "not a URL")]
    public void Parse_Hostile_Refused(string input, string expected)
        => Assert.That(() => AuthorizationResponse.Parse(input), Throws.TypeOf<TppException>().With.Message.Contains(expected));

    [Test]
    public void Parse_HugeInput_Refused()
        => Assert.That(() => AuthorizationResponse.Parse("code=" + new string('a', AuthorizationResponse.MaxLength)), Throws.TypeOf<TppException>().With.Message.Contains("longer than"));
}
