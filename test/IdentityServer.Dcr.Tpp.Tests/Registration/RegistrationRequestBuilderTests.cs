// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Keys;
using IdentityServer.Dcr.Tpp.Registration;
using Jose;

namespace IdentityServer.Dcr.Tpp.Tests.Registration;

[TestFixture]
public sealed class RegistrationRequestBuilderTests
{
    /// <summary>The jti pattern of the DCR 3.3 data dictionary (UUIDv4), case-insensitive as in the OpenAPI file.</summary>
    private const string UuidV4 = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$";

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);

    private static RegistrationParameters PrivateKeyJwt() => new()
    {
        SoftwareId = "MySandboxApp01",
        Audience = "https://localhost:5443",
        SoftwareStatement = "eyJhbGciOiJQUzI1NiJ9.eyJzb2Z0d2FyZV9pZCI6Ik15U2FuZGJveEFwcDAxIn0.c2ln",
        TokenEndpointAuthMethod = AuthMethods.PrivateKeyJwt,
        TokenEndpointAuthSigningAlg = "PS256",
        TlsClientAuthSubjectDn = "CN=MySandboxApp01,OU=0015800001SandboxOrg,O=OpenBanking,C=GB",
        RedirectUris = ["https://tpp.example.com/callback"],
        GrantTypes = ["authorization_code", "client_credentials", "refresh_token"],
        Scope = "openid accounts payments",
    };

    [Test]
    public void BuildClaims_PrivateKeyJwt_HasEveryClaimWithItsJsonType()
    {
        // Arrange
        var parameters = PrivateKeyJwt();

        // Act
        var claims = RegistrationRequestBuilder.BuildClaims(parameters, Now);

        // Assert
        Assert.Multiple(() =>
        {
            AssertString(claims, "iss", "MySandboxApp01");
            AssertString(claims, "aud", "https://localhost:5443");
            Assert.That(claims["iat"]!.GetValueKind(), Is.EqualTo(JsonValueKind.Number));
            Assert.That(claims["iat"]!.GetValue<long>(), Is.EqualTo(1_790_000_000));
            Assert.That(claims["exp"]!.GetValueKind(), Is.EqualTo(JsonValueKind.Number));
            Assert.That(claims["exp"]!.GetValue<long>(), Is.EqualTo(1_790_000_300), "exp = iat + 300");
            Assert.That(claims["jti"]!.GetValue<string>(), Does.Match(UuidV4));
            AssertString(claims, "software_id", "MySandboxApp01");
            AssertString(claims, "software_statement", parameters.SoftwareStatement);
            AssertArray(claims, "redirect_uris", "https://tpp.example.com/callback");
            AssertString(claims, "token_endpoint_auth_method", "private_key_jwt");
            AssertString(claims, "token_endpoint_auth_signing_alg", "PS256");
            AssertArray(claims, "grant_types", "authorization_code", "client_credentials", "refresh_token");
            AssertArray(claims, "response_types", "code id_token");
            AssertString(claims, "scope", "openid accounts payments");
            AssertString(claims, "application_type", "web");
            AssertString(claims, "id_token_signed_response_alg", "PS256");
            AssertString(claims, "request_object_signing_alg", "PS256");
            Assert.That(claims.ContainsKey("tls_client_auth_subject_dn"), Is.False, "only with tls_client_auth");
            Assert.That(claims.ContainsKey("client_id"), Is.False, "only in an update");
        });
    }

    [Test]
    public void BuildClaims_TlsClientAuth_SendsSubjectDnAndNoSigningAlg()
    {
        // Arrange
        var parameters = PrivateKeyJwt() with { TokenEndpointAuthMethod = AuthMethods.TlsClientAuth };

        // Act
        var claims = RegistrationRequestBuilder.BuildClaims(parameters, Now);

        // Assert
        Assert.Multiple(() =>
        {
            AssertString(claims, "token_endpoint_auth_method", "tls_client_auth");
            AssertString(claims, "tls_client_auth_subject_dn", "CN=MySandboxApp01,OU=0015800001SandboxOrg,O=OpenBanking,C=GB");
            Assert.That(claims.ContainsKey("token_endpoint_auth_signing_alg"), Is.False);
        });
    }

    [Test]
    public void BuildClaims_WithoutAuthorizationCode_OmitsResponseTypes()
    {
        // Arrange
        var parameters = PrivateKeyJwt() with { GrantTypes = ["client_credentials"] };

        // Act
        var claims = RegistrationRequestBuilder.BuildClaims(parameters, Now);

        // Assert
        Assert.That(claims.ContainsKey("response_types"), Is.False);
    }

    [Test]
    public void BuildClaims_Update_CarriesClientId()
    {
        // Arrange
        var parameters = PrivateKeyJwt() with { ClientId = "7f0c9a4e-0000-4000-8000-000000000001" };

        // Act
        var claims = RegistrationRequestBuilder.BuildClaims(parameters, Now);

        // Assert
        AssertString(claims, "client_id", "7f0c9a4e-0000-4000-8000-000000000001");
    }

    [Test]
    public void BuildClaims_TwoRequests_HaveDifferentJti()
    {
        // Arrange / Act
        var first = RegistrationRequestBuilder.BuildClaims(PrivateKeyJwt(), Now);
        var second = RegistrationRequestBuilder.BuildClaims(PrivateKeyJwt(), Now);

        // Assert
        Assert.That(first["jti"]!.GetValue<string>(), Is.Not.EqualTo(second["jti"]!.GetValue<string>()));
    }

    [TestCase("PS256")]
    [TestCase("ES256")]
    public void BuildSigned_Key_VerifiesWithPublicKeyAndExpectedAlgorithm(string algorithm)
    {
        // Arrange
        using var key = SoftwareKey.Create(algorithm);
        var parameters = PrivateKeyJwt() with { TokenEndpointAuthSigningAlg = algorithm };
        var expected = algorithm == "PS256" ? JwsAlgorithm.PS256 : JwsAlgorithm.ES256;
        var publicKey = Jwk.FromJson(key.PublicJwk().ToJsonString(), JWT.DefaultSettings.JsonMapper);

        // Act
        var token = RegistrationRequestBuilder.BuildSigned(parameters, key, Now);

        // Assert
        var claims = JsonNode.Parse(JWT.Decode(token, publicKey, expected))!.AsObject();
        var headers = JWT.Headers(token);
        Assert.Multiple(() =>
        {
            Assert.That(token.Split('.'), Has.Length.EqualTo(3), "compact JWS");
            Assert.That(headers["alg"], Is.EqualTo(algorithm));
            Assert.That(headers["kid"], Is.EqualTo(key.KeyId));
            Assert.That(headers["typ"], Is.EqualTo("JWT"));
            AssertString(claims, "iss", "MySandboxApp01");
            AssertString(claims, "token_endpoint_auth_signing_alg", algorithm);
        });
    }

    [Test]
    public void BuildSigned_OtherKey_DoesNotVerify()
    {
        // Arrange
        using var key = SoftwareKey.Create("PS256");
        using var other = SoftwareKey.Create("PS256");
        var otherPublic = Jwk.FromJson(other.PublicJwk().ToJsonString(), JWT.DefaultSettings.JsonMapper);

        // Act
        var token = RegistrationRequestBuilder.BuildSigned(PrivateKeyJwt(), key, Now);

        // Assert
        Assert.That(() => JWT.Decode(token, otherPublic, JwsAlgorithm.PS256), Throws.InstanceOf<IntegrityException>());
    }

    [Test]
    public void ClientAssertion_Claims_FollowRfc7523()
    {
        // Arrange / Act
        var claims = ClientAssertionBuilder.BuildClaims("client-1", "https://bank.example/token", Now);

        // Assert
        Assert.Multiple(() =>
        {
            AssertString(claims, "iss", "client-1");
            AssertString(claims, "sub", "client-1");
            AssertString(claims, "aud", "https://bank.example/token");
            Assert.That(claims["jti"]!.GetValue<string>(), Does.Match(UuidV4));
            Assert.That(claims["iat"]!.GetValue<long>(), Is.EqualTo(1_790_000_000));
            Assert.That(claims["exp"]!.GetValue<long>(), Is.EqualTo(1_790_000_300));
        });
    }

    private static void AssertString(JsonObject claims, string name, string expected)
    {
        Assert.That(claims[name]?.GetValueKind(), Is.EqualTo(JsonValueKind.String), name);
        Assert.That(claims[name]!.GetValue<string>(), Is.EqualTo(expected), name);
    }

    private static void AssertArray(JsonObject claims, string name, params string[] expected)
    {
        Assert.That(claims[name], Is.InstanceOf<JsonArray>(), name);
        Assert.That(claims[name]!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(expected), name);
    }
}
