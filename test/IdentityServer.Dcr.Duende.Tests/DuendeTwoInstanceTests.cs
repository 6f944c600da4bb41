// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.Duende.Tests;

/// <summary>
/// Two instances of the Duende bank on one PostgreSQL database behind a load balancer (one issuer, one signing key,
/// each with its own memory: Duende's replay cache included): register on one, use the other; the same request JWS or
/// client assertion sent to both at once is accepted once.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class DuendeTwoInstanceTests
{
    private static readonly Uri Issuer = new("https://bank.example.com/");

    private LifecycleEnvironment _environment = null!;
    private DuendeLifecycleHost _a = null!;
    private DuendeLifecycleHost _b = null!;
    private RSA _key = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _environment = await LifecycleEnvironment.StartAsync();
        _key = RSA.Create(2048);
        var shared = (Issuer, (SecurityKey)new RsaSecurityKey(_key) { KeyId = "shared" });
        _a = await DuendeLifecycleHost.StartAsync(_environment, instance: shared);
        _b = await DuendeLifecycleHost.StartAsync(_environment, instance: shared);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _environment.DisposeAsync();
        _key.Dispose();
    }

    private static Uri TokenAudience => new(Issuer, "connect/token");

    private Task<HttpResponseMessage> TokenAsync(DuendeLifecycleHost instance, TestTpp tpp, string clientId, string assertion)
        => _environment.PostFormAsync(instance.TokenEndpoint, tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        });

    private async Task<string> RegisterAsync(DuendeLifecycleHost instance, TestTpp tpp)
    {
        using var response = await _environment.SendAsync(HttpMethod.Post, instance.RegistrationEndpoint, tpp.TransportCertificate, body: _environment.SignedRequest(tpp));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["client_id"]!.GetValue<string>();
    }

    [Test]
    public async Task RegisterOnOne_TokenAndManagementOnTheOther()
    {
        // Arrange
        var tpp = _environment.NewTpp();
        var clientId = await RegisterAsync(_a, tpp);

        // Act
        using var tokenResponse = await TokenAsync(_b, tpp, clientId, LifecycleEnvironment.ClientAssertion(tpp.SigningKey, clientId, TokenAudience));
        var body = JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync())!;
        Assert.That(tokenResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        var token = body["access_token"]!.GetValue<string>();
        using var readOnA = await _environment.SendAsync(HttpMethod.Get, new Uri(_a.RegistrationEndpoint + "/" + clientId), tpp.TransportCertificate, token);
        using var deleteOnB = await _environment.SendAsync(HttpMethod.Delete, new Uri(_b.RegistrationEndpoint + "/" + clientId), tpp.TransportCertificate, token);
        using var readOnAAfter = await _environment.SendAsync(HttpMethod.Get, new Uri(_a.RegistrationEndpoint + "/" + clientId), tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(readOnA.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a token of one instance is good on the other");
            Assert.That(deleteOnB.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(readOnAAfter.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
    }

    [Test]
    public async Task SameClientAssertionToBothAtOnce_IsAcceptedOnce()
    {
        // Arrange: Duende's own replay cache is per instance; the DCR used-token table is shared.
        var tpp = _environment.NewTpp();
        var clientId = await RegisterAsync(_a, tpp);
        for (var round = 0; round < 5; round++)
        {
            var assertion = LifecycleEnvironment.ClientAssertion(tpp.SigningKey, clientId, TokenAudience);

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
    public async Task SameRegistrationRequestToBothAtOnce_IsAcceptedOnce()
    {
        for (var round = 0; round < 5; round++)
        {
            // Arrange
            var tpp = _environment.NewTpp();
            var request = _environment.SignedRequest(tpp);

            // Act
            var responses = await Task.WhenAll(
                _environment.SendAsync(HttpMethod.Post, _a.RegistrationEndpoint, tpp.TransportCertificate, body: request),
                _environment.SendAsync(HttpMethod.Post, _b.RegistrationEndpoint, tpp.TransportCertificate, body: request));

            // Assert
            var statuses = responses.Select(r => r.StatusCode).ToArray();
            foreach (var response in responses)
            {
                response.Dispose();
            }

            Assert.Multiple(async () =>
            {
                Assert.That(statuses.Count(s => s == HttpStatusCode.Created), Is.EqualTo(1), string.Join(", ", statuses));
                Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
            });
        }
    }
}
