// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Authorization;
using IdentityServer.Dcr.Tpp.Keys;
using Jose;

namespace IdentityServer.Dcr.Tpp.Tests.Authorization;

[TestFixture]
public sealed class RequestObjectBuilderTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static AuthorizationRequest Request(string? challenge = null) => new()
    {
        ClientId = "client-1",
        Audience = "https://bank.example.com/",
        ResponseType = "code id_token",
        RedirectUri = "https://tpp.example.com/callback",
        Scope = "openid accounts",
        State = "the-state",
        Nonce = "the-nonce",
        ConsentId = "aac-123",
        CodeChallenge = challenge,
    };

    [Test]
    public void BuildClaims_EveryParameterInsideWithTheIntentAsEssentialClaim()
    {
        var claims = RequestObjectBuilder.BuildClaims(Request(), Now);

        Assert.Multiple(() =>
        {
            Assert.That(claims["iss"]!.GetValue<string>(), Is.EqualTo("client-1"));
            Assert.That(claims["client_id"]!.GetValue<string>(), Is.EqualTo("client-1"));
            Assert.That(claims["aud"]!.GetValue<string>(), Is.EqualTo("https://bank.example.com/"), "the issuer, as discovery publishes it");
            Assert.That(claims["nbf"]!.GetValue<long>(), Is.EqualTo(1_800_000_000));
            Assert.That(claims["exp"]!.GetValue<long>(), Is.EqualTo(1_800_000_300), "now + 5 minutes");
            Assert.That(claims["response_type"]!.GetValue<string>(), Is.EqualTo("code id_token"));
            Assert.That(claims["redirect_uri"]!.GetValue<string>(), Is.EqualTo("https://tpp.example.com/callback"));
            Assert.That(claims["scope"]!.GetValue<string>(), Is.EqualTo("openid accounts"));
            Assert.That(claims["state"]!.GetValue<string>(), Is.EqualTo("the-state"));
            Assert.That(claims["nonce"]!.GetValue<string>(), Is.EqualTo("the-nonce"));
            Assert.That(claims["claims"]!["id_token"]!["openbanking_intent_id"]!.ToJsonString(), Is.EqualTo("""{"value":"aac-123","essential":true}"""));
            Assert.That(claims.ContainsKey("code_challenge"), Is.False);
            Assert.That(claims.ContainsKey("code_challenge_method"), Is.False);
        });
    }

    [Test]
    public void BuildClaims_WithChallenge_S256()
    {
        var claims = RequestObjectBuilder.BuildClaims(Request("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), Now);

        Assert.Multiple(() =>
        {
            Assert.That(claims["code_challenge"]!.GetValue<string>(), Is.EqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
            Assert.That(claims["code_challenge_method"]!.GetValue<string>(), Is.EqualTo("S256"));
        });
    }

    [TestCase("PS256")]
    [TestCase("ES256")]
    public void Signed_VerifiesWithTheSoftwareKeyAndNamesItsKid(string algorithm)
    {
        using var key = SoftwareKey.Create(algorithm);
        var jws = key.Sign(RequestObjectBuilder.BuildClaims(Request(), Now));

        var headers = JWT.Headers(jws);
        var payload = JsonNode.Parse(JWT.Decode(jws, key.Key, algorithm == "PS256" ? JwsAlgorithm.PS256 : JwsAlgorithm.ES256))!;
        Assert.Multiple(() =>
        {
            Assert.That(headers["alg"], Is.EqualTo(algorithm));
            Assert.That(headers["kid"], Is.EqualTo(key.KeyId));
            Assert.That(payload["claims"]!["id_token"]!["openbanking_intent_id"]!["value"]!.GetValue<string>(), Is.EqualTo("aac-123"));
        });
    }

    [TestCase("code id_token", "code id_token")]
    [TestCase("id_token code", "code id_token")]
    [TestCase("  code  ", "code")]
    public void NormaliseResponseType_HybridOrCode(string given, string expected)
        => Assert.That(RequestObjectBuilder.NormaliseResponseType(given), Is.EqualTo(expected));

    [TestCase("token")]
    [TestCase("id_token")]
    [TestCase("code token")]
    [TestCase("code code")]
    [TestCase("")]
    public void NormaliseResponseType_Other_Refused(string given)
        => Assert.That(() => RequestObjectBuilder.NormaliseResponseType(given), Throws.TypeOf<TppException>());

    [Test]
    public void ByValueUrl_ClientIdResponseTypeScopeAndRequest_Escaped()
    {
        var url = RequestObjectBuilder.ByValueUrl(new Uri("https://bank.example.com/connect/authorize"), "client 1", "code id_token", "openid accounts", "a.b.c");

        Assert.That(url.AbsoluteUri, Is.EqualTo("https://bank.example.com/connect/authorize?client_id=client%201&response_type=code%20id_token&scope=openid%20accounts&request=a.b.c"));
    }

    [Test]
    public void PushedUrl_ClientIdAndRequestUri_KeepsAnExistingQuery()
    {
        var url = RequestObjectBuilder.PushedUrl(new Uri("https://bank.example.com/authorize?tenant=uk"), "client-1", "urn:ietf:params:oauth:request_uri:abc");

        Assert.That(url.AbsoluteUri, Is.EqualTo("https://bank.example.com/authorize?tenant=uk&client_id=client-1&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"));
    }

    [Test]
    public void RandomValue_UnguessableAndUrlSafe()
    {
        var values = Enumerable.Range(0, 50).Select(_ => RequestObjectBuilder.RandomValue()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(values, Is.Unique);
            Assert.That(values, Has.All.Length.EqualTo(43));
            Assert.That(values, Has.All.Matches("^[A-Za-z0-9_-]+$"));
        });
    }
}
