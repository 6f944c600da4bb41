// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;

namespace IdentityServer.Dcr.IntegrationTests.OpenIddict;

/// <summary>client_secret_basic and client_secret_post at the token endpoint, when the bank enables them.</summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictClientSecretTests
{
    private OpenIddictBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _bank = await OpenIddictBank.StartAsync(options =>
    {
        foreach (var method in new[] { "private_key_jwt", "tls_client_auth", "client_secret_basic", "client_secret_post" })
        {
            options.Registration.TokenEndpointAuthMethods.Add(method);
        }
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _bank.DisposeAsync();

    private async Task<(Testing.TestTpp Tpp, string ClientId, string Secret)> RegisterAsync(string method)
    {
        var tpp = _bank.Environment.NewTpp();
        using var response = await _bank.Environment.PostAsync(tpp.TransportCertificate, _bank.Environment.SignedRequest(tpp, c =>
        {
            c["token_endpoint_auth_method"] = method;
            c.Remove("token_endpoint_auth_signing_alg");
        }));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return (tpp, body["client_id"]!.GetValue<string>(), body["client_secret"]!.GetValue<string>());
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> BasicAsync(Testing.TestTpp tpp, string clientId, string secret)
    {
        using var client = _bank.Environment.Client(tpp.TransportCertificate);
        using var request = new HttpRequestMessage(HttpMethod.Post, _bank.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        var credentials = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(Testing.TestTpp tpp, string clientId, string secret)
        => _bank.TokenAsync(tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        });

    [Test]
    public async Task Token_ClientSecretBasic_IssuesTokenThatManagesTheRegistration()
    {
        // Arrange
        var (tpp, clientId, secret) = await RegisterAsync("client_secret_basic");

        // Act
        var (status, body) = await BasicAsync(tpp, clientId, secret);
        using var read = await _bank.Environment.SendAsync(HttpMethod.Get, _bank.RegistrationUri(clientId), tpp.TransportCertificate, body["access_token"]?.GetValue<string>());

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Token_ClientSecretPost_IssuesToken()
    {
        // Arrange
        var (tpp, clientId, secret) = await RegisterAsync("client_secret_post");

        // Act
        var (status, body) = await PostAsync(tpp, clientId, secret);

        // Assert
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
    }

    [TestCase("client_secret_basic")]
    [TestCase("client_secret_post")]
    public async Task Token_WrongSecret_IsInvalidClient(string method)
    {
        // Arrange
        var (tpp, clientId, secret) = await RegisterAsync(method);
        var wrong = secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');

        // Act
        var (status, body) = method == "client_secret_basic" ? await BasicAsync(tpp, clientId, wrong) : await PostAsync(tpp, clientId, wrong);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That((int)status, Is.InRange(400, 401));
            Assert.That(body["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), body.ToJsonString());
        });
    }

    [Test]
    public async Task Token_BasicClientUsingPost_IsInvalidClient()
    {
        // Arrange
        var (tpp, clientId, secret) = await RegisterAsync("client_secret_basic");

        // Act
        var (_, body) = await PostAsync(tpp, clientId, secret);

        // Assert
        Assert.That(body["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), body.ToJsonString());
    }
}
