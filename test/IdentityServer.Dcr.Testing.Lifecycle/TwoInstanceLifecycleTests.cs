// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// Two instances of a bank on one PostgreSQL database, as a bank runs them behind a load balancer (one issuer, shared
/// token keys, each with its own memory: caches, pools, Duende's replay cache): register on one, use the other; the
/// same request JWS or client assertion sent to both at once is accepted once; concurrent updates and deletes across
/// instances lose no write and leave nothing half-made. Derive one fixture per plug-in.
/// </summary>
public abstract class TwoInstanceLifecycleTests
{
    /// <summary>The issuer both instances publish (the load balancer's address; never connected to).</summary>
    protected static readonly Uri PublicAddress = new("https://bank.example.com/");

    private TestEnvironment _environment = null!;
    private ILifecycleHost _a = null!;
    private ILifecycleHost _b = null!;

    /// <summary>Starts one instance with the issuer <see cref="PublicAddress"/> and the fixture's shared token keys; its endpoints are its own.</summary>
    protected abstract Task<ILifecycleHost> StartInstanceAsync(TestEnvironment environment);

    /// <summary>How many clients of the authorization server (OpenIddict applications, Duende clients) carry <paramref name="clientId"/>.</summary>
    protected abstract Task<long> CountServerClientsAsync(TestEnvironment environment, string clientId);

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _environment = await TestEnvironment.StartAsync();
        _a = await StartInstanceAsync(_environment);
        _b = await StartInstanceAsync(_environment);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }

    private static Uri TokenAudience => new(PublicAddress, "connect/token");

    private static Uri Registration(ILifecycleHost instance) => instance.RegistrationEndpoint;

    private static Uri Management(ILifecycleHost instance, string clientId) => new(instance.RegistrationEndpoint + "/" + clientId);

    private static Uri Token(ILifecycleHost instance) => instance.TokenEndpoint;

    private async Task<string> RegisterAsync(ILifecycleHost instance, TestTpp tpp)
    {
        using var response = await _environment.SendAsync(HttpMethod.Post, Registration(instance), tpp.TransportCertificate, body: _environment.SignedRequest(tpp));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["client_id"]!.GetValue<string>();
    }

    private Task<HttpResponseMessage> TokenAsync(ILifecycleHost instance, TestTpp tpp, string clientId, string? assertion = null)
        => _environment.PostFormAsync(Token(instance), tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion ?? TestEnvironment.ClientAssertion(tpp.SigningKey, clientId, TokenAudience),
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
            var assertion = TestEnvironment.ClientAssertion(tpp.SigningKey, clientId, TokenAudience);

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
        for (var round = 0; round < 10; round++)
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
            var deleteBody = await responses[1].Content.ReadAsStringAsync();
            foreach (var response in responses)
            {
                response.Dispose();
            }

            Assert.Multiple(async () =>
            {
                Assert.That(delete, Is.EqualTo(HttpStatusCode.NoContent), $"round {round}: {deleteBody} (PUT answered {put})");
                Assert.That(put, Is.AnyOf(HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized));
                Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
                Assert.That(await CountServerClientsAsync(_environment, clientId), Is.Zero, "no server client left without its registration");
            });
        }
    }
}
