// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Authorization;
using IdentityServer.Dcr.Tpp.Keys;
using Jose;
using Base64Url = System.Buffers.Text.Base64Url;

namespace IdentityServer.Dcr.Tpp.Tests.Authorization;

[TestFixture]
public sealed class IdTokenVerifierTests
{
    private const string Issuer = "https://bank.example.com/";
    private const string ClientId = "client-1";
    private const string Code = "SplxlOBeZQQYbYS6WxSbIA";
    private const string State = "af0ifjsldkj";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private SoftwareKey _bankRsa = null!;
    private SoftwareKey _bankEc = null!;
    private SoftwareKey _attacker = null!;
    private JsonObject _jwks = null!;

    [OneTimeSetUp]
    public void CreateKeys()
    {
        _bankRsa = SoftwareKey.Create("PS256", "bank-rsa");
        _bankEc = SoftwareKey.Create("ES256", "bank-ec");
        _attacker = SoftwareKey.Create("PS256", "bank-rsa"); // the bank's kid, another key
        _jwks = new JsonObject { ["keys"] = new JsonArray(_bankRsa.PublicJwk(), _bankEc.PublicJwk()) };
    }

    [OneTimeTearDown]
    public void DisposeKeys()
    {
        _bankRsa.Dispose();
        _bankEc.Dispose();
        _attacker.Dispose();
    }

    // OIDC Core A.4 (code id_token): the code and its c_hash; A.3: the access token and its at_hash.
    [TestCase("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk", "LDktKdoQak3Pk0cnXxCltA")]
    [TestCase("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "77QmUPtjPfzWtF2AnpK9RQ")]
    public void HalfHash_OidcCoreExamples_LeftHalfOfSha256(string value, string expected)
    {
        Assert.That(IdTokenVerifier.HalfHash(value, "PS256"), Is.EqualTo(expected));
        Assert.That(IdTokenVerifier.HalfHash(value, "ES256"), Is.EqualTo(expected));
    }

    [TestCase("PS256")]
    [TestCase("ES256")]
    public void Verify_FrontChannelOfTheBank_ClaimsReturned(string algorithm)
    {
        var token = Sign(algorithm == "PS256" ? _bankRsa : _bankEc, Claims());

        var verified = IdTokenVerifier.Verify(token, _jwks, Front(algorithm));

        Assert.Multiple(() =>
        {
            Assert.That(verified.Subject, Is.EqualTo("customer-1"));
            Assert.That(verified.IntentId, Is.EqualTo("aac-1"));
            Assert.That(verified.Algorithm, Is.EqualTo(algorithm));
        });
    }

    [Test]
    public void Verify_SignedByAnotherKeyWithTheBanksKid_Refused()
        => AssertRefused(Sign(_attacker, Claims()), Front(), "signature");

    [Test]
    public void Verify_PayloadChangedAfterSigning_Refused()
    {
        var parts = Sign(_bankRsa, Claims()).Split('.');
        var claims = Claims();
        claims["openbanking_intent_id"] = "aac-other";
        parts[1] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));

        AssertRefused(string.Join('.', parts), Front(), "signature");
    }

    [Test]
    public void Verify_AlgNone_Refused()
    {
        var header = Base64Url.EncodeToString("""{"alg":"none","kid":"bank-rsa"}"""u8);
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Claims().ToJsonString()));

        AssertRefused($"{header}.{payload}.", Front(), "FAPI allows PS256 and ES256 only");
    }

    [Test]
    public void Verify_Hs256WithThePublicKeyAsSecret_Refused()
    {
        var secret = Encoding.UTF8.GetBytes(_bankRsa.PublicJwk().ToJsonString());
        var token = JWT.Encode(Claims().ToJsonString(), secret, JwsAlgorithm.HS256, new Dictionary<string, object> { ["kid"] = "bank-rsa" });

        AssertRefused(token, Front(), "FAPI allows PS256 and ES256 only");
    }

    [Test]
    public void Verify_NotTheRegisteredAlgorithm_Refused()
        => AssertRefused(Sign(_bankEc, Claims()), Front("PS256"), "not the registered id_token_signed_response_alg PS256");

    [Test]
    public void Verify_UnknownKid_Refused()
    {
        using var other = SoftwareKey.Create("PS256", "rotated-away");
        AssertRefused(Sign(other, Claims()), Front(), "no key of the bank's JWKS");
    }

    [TestCase("iss", "https://attacker.example.com/", "issued by")]
    [TestCase("aud", "another-client", "not for this client")]
    [TestCase("nonce", "replayed", "nonce")]
    [TestCase("openbanking_intent_id", "aac-other", "not 'aac-1'")]
    [TestCase("c_hash", "LDktKdoQak3Pk0cnXxCltA", "c_hash")]
    [TestCase("s_hash", "LDktKdoQak3Pk0cnXxCltA", "s_hash")]
    [TestCase("azp", "another-client", "azp")]
    public void Verify_WrongClaim_Refused(string claim, string value, string expected)
    {
        var claims = Claims();
        claims[claim] = value;

        AssertRefused(Sign(_bankRsa, claims), Front(), expected);
    }

    [TestCase("c_hash")]
    [TestCase("s_hash")]
    [TestCase("nonce")]
    [TestCase("sub")]
    [TestCase("exp")]
    [TestCase("openbanking_intent_id")]
    public void Verify_MissingClaim_Refused(string claim)
    {
        var claims = Claims();
        claims.Remove(claim);

        AssertRefused(Sign(_bankRsa, claims), Front(), claim);
    }

    [Test]
    public void Verify_CodeSubstituted_CHashMismatch()
        => AssertRefused(Sign(_bankRsa, Claims()), Front() with { Code = "another-code" }, "the code was substituted");

    [Test]
    public void Verify_Expired_Refused()
    {
        var claims = Claims();
        claims["exp"] = Now.ToUnixTimeSeconds() - 120;

        AssertRefused(Sign(_bankRsa, claims), Front(), "expired");
    }

    [Test]
    public void Verify_AudienceArrayWithThisClientAsAzp_Accepted()
    {
        var claims = Claims();
        claims["aud"] = new JsonArray("client-1", "another");
        claims["azp"] = ClientId;

        Assert.That(IdTokenVerifier.Verify(Sign(_bankRsa, claims), _jwks, Front()).Subject, Is.EqualTo("customer-1"));
    }

    [Test]
    public void Verify_BackChannel_SubjectMustBeTheFrontChannels()
    {
        var claims = Claims();
        claims.Remove("c_hash");
        claims.Remove("s_hash");
        var back = new IdTokenExpectations { Issuer = Issuer, ClientId = ClientId, Nonce = "n-1", ConsentId = "aac-1", Now = Now, Subject = "customer-2" };

        AssertRefused(Sign(_bankRsa, claims), back, "customer-2");
        Assert.That(IdTokenVerifier.Verify(Sign(_bankRsa, claims), _jwks, back with { Subject = "customer-1" }).Subject, Is.EqualTo("customer-1"));
    }

    [Test]
    public void Verify_BackChannel_AtHashOfAnotherAccessToken_Refused()
    {
        var claims = Claims();
        claims["at_hash"] = IdTokenVerifier.HalfHash("the-access-token", "PS256");
        var back = new IdTokenExpectations { Issuer = Issuer, ClientId = ClientId, Nonce = "n-1", ConsentId = "aac-1", Now = Now };

        Assert.That(IdTokenVerifier.Verify(Sign(_bankRsa, claims), _jwks, back with { AccessToken = "the-access-token" }).Subject, Is.EqualTo("customer-1"));
        AssertRefused(Sign(_bankRsa, claims), back with { AccessToken = "another-access-token" }, "at_hash");
    }

    [TestCase("not-a-jwt")]
    [TestCase("a.b")]
    [TestCase("!!!.e30.sig")]
    [TestCase("e30.e30.e30.e30.e30")]
    public void Verify_NotACompactJws_Refused(string token)
        => Assert.That(() => IdTokenVerifier.Verify(token, _jwks, Front()), Throws.TypeOf<TppException>());

    private static IdTokenExpectations Front(string? algorithm = null) => new()
    {
        Issuer = Issuer,
        ClientId = ClientId,
        Nonce = "n-1",
        ConsentId = "aac-1",
        Now = Now,
        Algorithm = algorithm,
        Code = Code,
        State = State,
    };

    private static JsonObject Claims() => new()
    {
        ["iss"] = Issuer,
        ["sub"] = "customer-1",
        ["aud"] = ClientId,
        ["exp"] = Now.ToUnixTimeSeconds() + 300,
        ["iat"] = Now.ToUnixTimeSeconds(),
        ["nonce"] = "n-1",
        ["c_hash"] = IdTokenVerifier.HalfHash(Code, "PS256"),
        ["s_hash"] = IdTokenVerifier.HalfHash(State, "PS256"),
        ["openbanking_intent_id"] = "aac-1",
    };

    private static string Sign(SoftwareKey key, JsonObject claims) => key.Sign(claims);

    private void AssertRefused(string token, IdTokenExpectations expected, string message)
        => Assert.That(() => IdTokenVerifier.Verify(token, _jwks, expected), Throws.TypeOf<TppException>().With.Message.Contains(message));
}
