// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using IdentityServer.Dcr.Testing;

namespace IdentityServer.Dcr.IntegrationTests.OpenIddict;

/// <summary>Client authentication of registered TPPs at OpenIddict's token endpoint, and discovery.</summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictTokenEndpointTests
{
    private OpenIddictBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _bank = await OpenIddictBank.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _bank.DisposeAsync();

    private async Task<(TestTpp Tpp, string ClientId)> RegisterAsync()
    {
        var tpp = _bank.Environment.NewTpp();
        return (tpp, await _bank.RegisterAsync(tpp));
    }

    private static void AssertInvalidClient((HttpStatusCode Status, JsonObject Body) result) => Assert.Multiple(() =>
    {
        Assert.That((int)result.Status, Is.InRange(400, 401), result.Body.ToJsonString());
        Assert.That(result.Body["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), result.Body.ToJsonString());
    });

    [TestCase(null)]
    [TestCase("JWT")]
    [TestCase("client-authentication+jwt")]
    public async Task Token_AssertionTyp_IsAccepted(string? typ)
    {
        // Arrange
        var (tpp, clientId) = await RegisterAsync();

        // Act
        var result = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey, typ: typ ?? string.Empty));

        // Assert
        Assert.That(result.Status, Is.EqualTo(HttpStatusCode.OK), result.Body.ToJsonString());
    }

    [Test]
    public async Task Token_AssertionAudienceIsIssuer_IsAccepted()
    {
        // Arrange
        var (tpp, clientId) = await RegisterAsync();

        // Act
        var result = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey, audience: _bank.Issuer.AbsoluteUri));

        // Assert
        Assert.That(result.Status, Is.EqualTo(HttpStatusCode.OK), result.Body.ToJsonString());
    }

    [Test]
    public async Task Token_EmptyScopeParameter_IsAccepted()
    {
        // Arrange
        var (tpp, clientId) = await RegisterAsync();

        // Act
        var result = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey), scope: string.Empty);

        // Assert
        Assert.That(result.Status, Is.EqualTo(HttpStatusCode.OK), result.Body.ToJsonString());
    }

    [Test]
    public async Task Token_AssertionWithWrongAudience_IsInvalidClient()
    {
        var (tpp, clientId) = await RegisterAsync();
        AssertInvalidClient(await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey, audience: "https://another-bank.example.com/token")));
    }

    [Test]
    public async Task Token_ReplayedAssertionJti_IsInvalidClient()
    {
        // Arrange
        var (tpp, clientId) = await RegisterAsync();
        var jti = Guid.NewGuid().ToString();

        // Act
        var first = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey, jti: jti));
        var replay = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey, jti: jti));

        // Assert
        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.OK), first.Body.ToJsonString());
        AssertInvalidClient(replay);
    }

    [Test]
    public async Task Token_SameAssertionSentConcurrently_IsAcceptedOnce()
    {
        // Arrange: one assertion, sent four times at once; the used-token table's primary key decides.
        var (tpp, clientId) = await RegisterAsync();
        var assertion = _bank.Assertion(clientId, tpp.SigningKey);

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, assertion)));

        // Assert
        Assert.That(results.Count(r => r.Status == HttpStatusCode.OK), Is.EqualTo(1), string.Join("\n", results.Select(r => r.Body.ToJsonString())));
        foreach (var rejected in results.Where(r => r.Status != HttpStatusCode.OK))
        {
            AssertInvalidClient(rejected);
        }
    }

    [Test]
    public async Task Token_AssertionJtiLongerThanTheStoreHolds_IsInvalidClient()
    {
        var (tpp, clientId) = await RegisterAsync();
        AssertInvalidClient(await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey, jti: new string('j', 257))));
    }

    [Test]
    public async Task Token_AssertionValidForYears_IsInvalidClient()
    {
        // A long-lived assertion would pin its jti row (and be replayable once purged): refused.
        var (tpp, clientId) = await RegisterAsync();
        AssertInvalidClient(await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey, lifetime: TimeSpan.FromDays(3650))));
    }

    [Test]
    public async Task Token_AssertionSignedByKeyNotInJwks_IsInvalidClient()
    {
        var (tpp, clientId) = await RegisterAsync();
        using var stranger = TestSigningKey.CreatePs256(tpp.SigningKey.KeyId);
        AssertInvalidClient(await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, stranger)));
    }

    [Test]
    public async Task Token_RotatedKey_IsPickedUpFromTheJwks()
    {
        // Arrange
        var (tpp, clientId) = await RegisterAsync();
        Assert.That((await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey))).Status, Is.EqualTo(HttpStatusCode.OK));
        using var rotated = TestSigningKey.CreatePs256();
        _bank.Environment.Documents.Serve($"tpp/{tpp.SoftwareId}.jwks", TestSigningKey.JwksOf(tpp.SigningKey, rotated));

        // Act
        var result = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, rotated));

        // Assert
        Assert.That(result.Status, Is.EqualTo(HttpStatusCode.OK), result.Body.ToJsonString());
    }

    [Test]
    public async Task Token_PrivateKeyJwtClientUsingTlsClientAuth_IsInvalidClient()
    {
        var (tpp, clientId) = await RegisterAsync();
        AssertInvalidClient(await _bank.TokenAsync(tpp.TransportCertificate, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId }));
    }

    [Test]
    public async Task Token_TlsClientAuthClientUsingPrivateKeyJwt_IsInvalidClient()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp, c =>
        {
            c["token_endpoint_auth_method"] = "tls_client_auth";
            c.Remove("token_endpoint_auth_signing_alg");
            c["tls_client_auth_subject_dn"] = tpp.TransportCertificate!.Subject;
        });

        // Act / Assert
        AssertInvalidClient(await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey)));
    }

    [TestCase("client_secret_basic")]
    [TestCase("client_secret_post")]
    public async Task Register_SecretMethodNotEnabled_IsRefused(string method)
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();

        // Act
        using var response = await _bank.Environment.PostAsync(tpp.TransportCertificate, _bank.Environment.SignedRequest(tpp, c =>
        {
            c["token_endpoint_auth_method"] = method;
            c.Remove("token_endpoint_auth_signing_alg");
        }));

        // Assert
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("invalid_client_metadata"));
        });
    }

    [Test]
    public async Task Management_TokenOfAnotherClient_Returns403()
    {
        // Arrange
        var (tpp, clientId) = await RegisterAsync();
        var (_, otherClientId) = await RegisterAsync();
        var token = await _bank.AccessTokenAsync(tpp, clientId);

        // Act
        using var response = await _bank.Environment.SendAsync(HttpMethod.Get, _bank.RegistrationUri(otherClientId), tpp.TransportCertificate, token);

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase(null)]
    [TestCase("not-a-token")]
    public async Task Management_MissingOrInvalidToken_Returns401Bearer(string? token)
    {
        // Arrange
        var (tpp, clientId) = await RegisterAsync();

        // Act
        using var response = await _bank.Environment.SendAsync(HttpMethod.Get, _bank.RegistrationUri(clientId), tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        });
    }

    [Test]
    public async Task Discovery_CarriesRegistrationEndpointAndEngineValues()
    {
        // Arrange
        using var client = _bank.Environment.Client(null);

        // Act
        var document = JsonNode.Parse(await client.GetStringAsync(new Uri(_bank.Issuer, ".well-known/openid-configuration")))!;

        // Assert
        static string[] Values(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(document["registration_endpoint"]!.GetValue<string>(), Is.EqualTo(_bank.Environment.Host.RegistrationEndpoint.AbsoluteUri));
            Assert.That(Values(document["token_endpoint_auth_methods_supported"]), Is.EquivalentTo(new[] { "private_key_jwt", "tls_client_auth" }));
            Assert.That(Values(document["token_endpoint_auth_signing_alg_values_supported"]), Is.EquivalentTo(new[] { "PS256", "ES256" }));
            Assert.That(Values(document["grant_types_supported"]), Is.EquivalentTo(new[] { "authorization_code", "client_credentials", "refresh_token" }));
            Assert.That(Values(document["response_types_supported"]), Is.EquivalentTo(new[] { "code", "code id_token" }));
            Assert.That(Values(document["scopes_supported"]), Does.Contain("accounts").And.Contain("openid"));
            Assert.That(document["tls_client_certificate_bound_access_tokens"]!.GetValue<bool>(), Is.False);
        });
    }
}
