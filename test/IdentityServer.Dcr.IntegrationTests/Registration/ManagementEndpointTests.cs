// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using IdentityServer.Dcr.Testing;
using Microsoft.Extensions.DependencyInjection;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.Registration;

/// <summary>GET, PUT and DELETE on a registration over mutual TLS with a bearer token, with a stand-in token validator.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ManagementEndpointTests
{
    private readonly FakeAccessTokens _tokens = new();
    private TestEnvironment _environment = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _environment = await TestEnvironment.StartWithEngineAsync(configureServices: (services, _) =>
    {
        services.AddSingleton<IRegistrationAccessTokenValidator>(_tokens);
        services.AddSingleton<IClientTokenRevoker>(_tokens);
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _environment.DisposeAsync();

    private Task<(TestTpp Tpp, string ClientId, Uri ManagementUri)> RegisterAsync() => _environment.RegisterNewTppAsync();

    [Test]
    public async Task Get_OwnRegistration_Returns200WithRegisteredMetadata()
    {
        // Arrange
        var (tpp, clientId, uri) = await RegisterAsync();

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId));

        // Assert
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body["client_id"]!.GetValue<string>(), Is.EqualTo(clientId));
            Assert.That(body["software_id"]!.GetValue<string>(), Is.EqualTo(tpp.SoftwareId));
            Assert.That(body.AsObject().ContainsKey("client_secret"), Is.False);
        });
    }

    [Test]
    public async Task Get_WithoutToken_Returns401BearerChallenge()
    {
        // Arrange
        var (tpp, _, uri) = await RegisterAsync();

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, accessToken: null);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
        });
    }

    [TestCase("")]
    [TestCase("garbage")]
    public async Task Get_InvalidToken_Returns401InvalidToken(string token)
    {
        // Arrange
        var (tpp, _, uri) = await RegisterAsync();

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        });
    }

    [Test]
    public async Task Get_WithoutClientCertificate_Returns401()
    {
        // Arrange
        var (_, clientId, uri) = await RegisterAsync();

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Get, uri, null, FakeAccessTokens.For(clientId));

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Get_AnotherClientsRegistration_Returns403()
    {
        // Arrange
        var (tpp, clientId, _) = await RegisterAsync();
        var (_, _, otherUri) = await RegisterAsync();

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Get, otherUri, tpp.TransportCertificate, FakeAccessTokens.For(clientId));

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Get_UnknownClient_Returns401AndRevokesTheToken()
    {
        // Arrange
        var (tpp, clientId, _) = await RegisterAsync();
        var token = FakeAccessTokens.For(clientId);
        var unknown = new Uri(_environment.Host.RegistrationEndpoint + "/" + Guid.NewGuid());

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Get, unknown, tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(_tokens.RevokedTokens, Does.Contain(token));
        });
    }

    [Test]
    public async Task Put_NewSignedRequest_Returns200UpdatesMetadataAndKeepsClientId()
    {
        // Arrange
        var (tpp, clientId, uri) = await RegisterAsync();
        var body = _environment.SignedRequest(tpp, c => c["scope"] = "openid accounts");

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId), body);

        // Assert
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
            Assert.That(json["client_id"]!.GetValue<string>(), Is.EqualTo(clientId));
            Assert.That(json["scope"]!.GetValue<string>(), Is.EqualTo("openid accounts"));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
        });

        using var read = await _environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId));
        Assert.That(JsonNode.Parse(await read.Content.ReadAsStringAsync())!["scope"]!.GetValue<string>(), Is.EqualTo("openid accounts"));
    }

    [Test]
    public async Task Put_SoftwareStatementOfAnotherSoftware_Returns400AndChangesNothing()
    {
        // Arrange
        var (tpp, clientId, uri) = await RegisterAsync();
        var other = _environment.NewTpp();
        var body = _environment.SignedRequest(other);

        // Act: the other TPP's request, sent with this client's token and certificate (the other TPP's certificate is
        // refused before the body is read: Put_AnotherTppsCertificate_Returns401AndChangesNothing).
        using var response = await _environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId), body);

        // Assert
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToJsonString());
            Assert.That(json["error"]!.GetValue<string>(), Is.EqualTo(DcrErrors.UnapprovedSoftwareStatement));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
            Assert.That(await _environment.CountRegistrationsAsync(other.SoftwareId), Is.Zero);
        });
    }

    [Test]
    public async Task Put_AnotherTppsCertificate_Returns401AndChangesNothing()
    {
        // Arrange: this client's token (leaked), another TPP's valid certificate.
        var (tpp, clientId, uri) = await RegisterAsync();
        var other = _environment.NewTpp();

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Put, uri, other.TransportCertificate, FakeAccessTokens.For(clientId), _environment.SignedRequest(tpp));

        // Assert
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), json.ToJsonString());
            Assert.That(
                json["error_description"]!.GetValue<string>(),
                Is.EqualTo("The transport certificate does not belong to this client: it names neither the registered organisation "
                    + "or software nor the registered tls_client_auth_subject_dn."));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Put_TwoUpdatesConcurrently_BothAreAppliedInTurn()
    {
        // Arrange
        var (tpp, clientId, uri) = await RegisterAsync();
        var first = _environment.SignedRequest(tpp, c => c["scope"] = "openid accounts");
        var second = _environment.SignedRequest(tpp, c => c["scope"] = "openid payments");

        // Act
        var responses = await Task.WhenAll(
            _environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId), first),
            _environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId), second));

        // Assert
        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        using var read = await _environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId));
        Assert.That(JsonNode.Parse(await read.Content.ReadAsStringAsync())!["scope"]!.GetValue<string>(), Is.AnyOf("openid accounts", "openid payments"));
    }

    [Test]
    public async Task Delete_OwnRegistration_Returns204RemovesRowAndRevokesTokens()
    {
        // Arrange
        var (tpp, clientId, uri) = await RegisterAsync();

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Delete, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId));
        using var after = await _environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId));

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(await _environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
            Assert.That(_tokens.RevokedClients, Does.Contain(clientId));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }
}
