// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.IntegrationTests.Lifecycle;

/// <summary>
/// Two instances of the OpenIddict bank on one PostgreSQL database, as a bank runs them behind a load balancer (one
/// issuer, shared token keys, separate processes' worth of state: caches, pools): register on one, use the other;
/// the same request JWS or client assertion sent to both at once is accepted once; concurrent updates and deletes
/// across instances lose no write and leave nothing half-made.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class TwoInstanceTests
{
    private static readonly Uri PublicAddress = new("https://bank.example.com/");

    private LifecycleEnvironment _environment = null!;
    private OpenIddictLifecycleHost _a = null!;
    private OpenIddictLifecycleHost _b = null!;
    private RSA _signing = null!;
    private RSA _encryption = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _environment = await LifecycleEnvironment.StartAsync();
        _signing = RSA.Create(2048);
        _encryption = RSA.Create(2048);
        var keys = ((SecurityKey)new RsaSecurityKey(_signing) { KeyId = "shared-signing" }, (SecurityKey)new RsaSecurityKey(_encryption) { KeyId = "shared-encryption" });
        _a = await OpenIddictLifecycleHost.StartAsync(_environment, publicBaseAddress: PublicAddress, keys: keys);
        _b = await OpenIddictLifecycleHost.StartAsync(_environment, publicBaseAddress: PublicAddress, keys: keys);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _environment.DisposeAsync();
        _signing.Dispose();
        _encryption.Dispose();
    }

    private static Uri Registration(OpenIddictLifecycleHost instance) => new(instance.BackendAddress, "register");

    private static Uri Management(OpenIddictLifecycleHost instance, string clientId) => new(instance.BackendAddress, "register/" + clientId);

    private static Uri Token(OpenIddictLifecycleHost instance) => new(instance.BackendAddress, "connect/token");

    private async Task<string> RegisterAsync(OpenIddictLifecycleHost instance, TestTpp tpp)
    {
        using var response = await _environment.SendAsync(HttpMethod.Post, Registration(instance), tpp.TransportCertificate, body: _environment.SignedRequest(tpp));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["client_id"]!.GetValue<string>();
    }

    private Task<HttpResponseMessage> TokenAsync(OpenIddictLifecycleHost instance, TestTpp tpp, string clientId, string? assertion = null)
        => _environment.PostFormAsync(Token(instance), tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion ?? LifecycleEnvironment.ClientAssertion(tpp.SigningKey, clientId, _a.TokenEndpoint),
        });

    private static async Task<string> AccessTokenAsync(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body["access_token"]!.GetValue<string>();
    }

    [Test]
    public async Task RegisterOnOne_TokenAndManagementOnTheOther_DeleteSeenByBoth()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var clientId = await RegisterAsync(_a, tpp);

        // Act
        using var tokenResponse = await TokenAsync(_b, tpp, clientId);
        var token = await AccessTokenAsync(tokenResponse);
        using var readOnB = await _environment.SendAsync(HttpMethod.Get, Management(_b, clientId), tpp.TransportCertificate, token);
        using var readOnA = await _environment.SendAsync(HttpMethod.Get, Management(_a, clientId), tpp.TransportCertificate, token);
        using var deleteOnB = await _environment.SendAsync(HttpMethod.Delete, Management(_b, clientId), tpp.TransportCertificate, token);
        using var readOnAAfter = await _environment.SendAsync(HttpMethod.Get, Management(_a, clientId), tpp.TransportCertificate, token);
        using var tokenOnAAfter = await TokenAsync(_a, tpp, clientId);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(readOnB.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(readOnA.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a token of one instance is good on the other");
            Assert.That(deleteOnB.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(readOnAAfter.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the other instance sees the deletion at once");
            Assert.That(tokenOnAAfter.StatusCode, Is.AnyOf(HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized), await tokenOnAAfter.Content.ReadAsStringAsync());
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    [Test]
    public async Task SameRegistrationRequestToBothAtOnce_IsAcceptedOnce()
    {
        // Arrange: one signed request (one jti), sent to both instances at the same time, several rounds.
        for (var round = 0; round < 5; round++)
        {
            var tpp = _environment.NewTpp();
            var request = _environment.SignedRequest(tpp);

            // Act
            var sends = new[] { _a, _b }.Select(instance => _environment.SendAsync(HttpMethod.Post, Registration(instance), tpp.TransportCertificate, body: request)).ToArray();
            var responses = await Task.WhenAll(sends);

            // Assert
            var statuses = responses.Select(r => r.StatusCode).ToArray();
            foreach (var response in responses)
            {
                response.Dispose();
            }

            Assert.Multiple(async () =>
            {
                Assert.That(statuses.Count(s => s == HttpStatusCode.Created), Is.EqualTo(1), string.Join(", ", statuses));
                Assert.That(statuses.Count(s => s == HttpStatusCode.BadRequest), Is.EqualTo(1), string.Join(", ", statuses));
                Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
            });
        }
    }

    [Test]
    public async Task SameClientAssertionToBothAtOnce_IsAcceptedOnce()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var clientId = await RegisterAsync(_a, tpp);
        for (var round = 0; round < 5; round++)
        {
            var assertion = LifecycleEnvironment.ClientAssertion(tpp.SigningKey, clientId, _a.TokenEndpoint);

            // Act
            var responses = await Task.WhenAll(TokenAsync(_a, tpp, clientId, assertion), TokenAsync(_b, tpp, clientId, assertion));

            // Assert
            var statuses = responses.Select(r => r.StatusCode).ToArray();
            foreach (var response in responses)
            {
                response.Dispose();
            }

            Assert.That(statuses.Count(s => s == HttpStatusCode.OK), Is.EqualTo(1), string.Join(", ", statuses));
        }
    }

    [Test]
    public async Task ConcurrentUpdatesOnBoth_BothAppliedInTurn()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var clientId = await RegisterAsync(_a, tpp);
        using var tokenResponse = await TokenAsync(_a, tpp, clientId);
        var token = await AccessTokenAsync(tokenResponse);
        var onA = _environment.SignedRequest(tpp, c => c["scope"] = "openid accounts");
        var onB = _environment.SignedRequest(tpp, c => c["scope"] = "openid payments");

        // Act
        var responses = await Task.WhenAll(
            _environment.SendAsync(HttpMethod.Put, Management(_a, clientId), tpp.TransportCertificate, token, onA),
            _environment.SendAsync(HttpMethod.Put, Management(_b, clientId), tpp.TransportCertificate, token, onB));
        using var read = await _environment.SendAsync(HttpMethod.Get, Management(_b, clientId), tpp.TransportCertificate, token);

        // Assert: neither write is lost to a conflict; the registration is the one applied last, whole.
        var statuses = responses.Select(r => r.StatusCode).ToArray();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var scope = JsonNode.Parse(await read.Content.ReadAsStringAsync())!["scope"]!.GetValue<string>();
        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(scope, Is.AnyOf("openid accounts", "openid payments"));
        });
    }

    [Test]
    public async Task ConcurrentUpdateAndDelete_LeaveNothingHalfMade()
    {
        for (var round = 0; round < 3; round++)
        {
            // Arrange
            var tpp = _environment.NewTpp();
            var clientId = await RegisterAsync(_a, tpp);
            using var tokenResponse = await TokenAsync(_a, tpp, clientId);
            var token = await AccessTokenAsync(tokenResponse);

            // Act
            var responses = await Task.WhenAll(
                _environment.SendAsync(HttpMethod.Put, Management(_a, clientId), tpp.TransportCertificate, token, _environment.SignedRequest(tpp, c => c["scope"] = "openid accounts")),
                _environment.SendAsync(HttpMethod.Delete, Management(_b, clientId), tpp.TransportCertificate, token));

            // Assert: the delete wins in the end; the update either came first (200) or found the client gone.
            var put = responses[0].StatusCode;
            var delete = responses[1].StatusCode;
            foreach (var response in responses)
            {
                response.Dispose();
            }

            Assert.Multiple(async () =>
            {
                Assert.That(delete, Is.EqualTo(HttpStatusCode.NoContent));
                Assert.That(put, Is.AnyOf(HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized));
                Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
                Assert.That(await _environment.CountAsync("SELECT COUNT(*) FROM \"OpenIddictApplications\" WHERE \"ClientId\" = @v", clientId), Is.Zero, "no application left without its registration");
            });
        }
    }
}
