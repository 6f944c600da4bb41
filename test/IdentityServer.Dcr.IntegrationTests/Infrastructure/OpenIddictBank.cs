// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using IdentityServer.Dcr.IntegrationTests.Lifecycle;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.Infrastructure;

/// <summary>
/// A bank on OpenIddict over real Kestrel mutual TLS and PostgreSQL: discovery, token endpoint, registration and
/// management, wired as a bank would (<c>AddOpenIddict().AddServer(...)</c>, then <c>AddDcr(...).AddOpenIddict()</c>).
/// </summary>
public sealed class OpenIddictBank : IAsyncDisposable
{
    private OpenIddictBank(TestEnvironment environment) => Environment = environment;

    public TestEnvironment Environment { get; }

    public Uri Issuer => Environment.Host.BaseAddress;

    public Uri TokenEndpoint => new(Issuer, "/connect/token");

    /// <summary>Starts a bank.</summary>
    /// <param name="configure">Changes the engine options.</param>
    /// <param name="server">Changes OpenIddict's server options (token lifetimes, encryption) after the bank's own.</param>
    /// <param name="sqliteConnectionString">Runs the bank on this SQLite database instead of a fresh PostgreSQL one.</param>
    public static async Task<OpenIddictBank> StartAsync(Action<DcrOptions>? configure = null, Action<OpenIddictServerBuilder>? server = null, string? sqliteConnectionString = null)
    {
        var environment = await TestEnvironment.StartWithEngineAsync(
            configure: configure,
            sqliteConnectionString: sqliteConnectionString,
            configureServices: (services, address) =>
            {
                OpenIddictLifecycleHost.AddServer(services, address, keys: null, server);
                services.AddDcr().AddOpenIddict();
            },
            configureApp: async app =>
            {
                await app.Services.MigrateDcrOpenIddictDatabaseAsync();
                app.UseAuthentication();
            });
        return new OpenIddictBank(environment);
    }

    /// <summary>Registers <paramref name="tpp"/> and returns its client identifier.</summary>
    public async Task<string> RegisterAsync(TestTpp tpp, Action<JsonObject>? modify = null)
    {
        using var response = await Environment.PostAsync(tpp.TransportCertificate, Environment.SignedRequest(tpp, modify));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["client_id"]!.GetValue<string>();
    }

    public Uri RegistrationUri(string clientId) => new(Environment.Host.RegistrationEndpoint + "/" + clientId);

    /// <summary>A client assertion of <paramref name="clientId"/> signed with <paramref name="key"/>.</summary>
    public string Assertion(string clientId, TestSigningKey key, string? audience = null, string? jti = null, string? typ = null, TimeSpan? lifetime = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = audience ?? TokenEndpoint.AbsoluteUri,
            ["iat"] = now,
            ["exp"] = now + (long)(lifetime ?? TimeSpan.FromSeconds(60)).TotalSeconds,
            ["jti"] = jti ?? Guid.NewGuid().ToString(),
        };
        // typ: null keeps the key's default (JWT); empty omits the header.
        if (typ == string.Empty)
        {
            return Jose.JWT.Encode(claims.ToJsonString(), key.Key, key.Algorithm == "PS256" ? Jose.JwsAlgorithm.PS256 : Jose.JwsAlgorithm.ES256, new Dictionary<string, object> { ["kid"] = key.KeyId });
        }

        return key.Sign(claims, typ is null ? null : new Dictionary<string, object> { ["typ"] = typ });
    }

    /// <summary>Posts a token request; returns the status and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(X509Certificate2? certificate, IDictionary<string, string> form)
    {
        using var client = Environment.Client(certificate);
        using var content = new FormUrlEncodedContent(form);
        using var response = await client.PostAsync(TokenEndpoint, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Is.Not.Empty, $"{(int)response.StatusCode} with no body from the token endpoint");
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>client_credentials with private_key_jwt.</summary>
    public Task<(HttpStatusCode Status, JsonObject Body)> TokenWithAssertionAsync(X509Certificate2? certificate, string clientId, string assertion, string scope = "accounts")
        => TokenAsync(certificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = scope,
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        });

    /// <summary>An access token of a private_key_jwt client, asserting success.</summary>
    public async Task<string> AccessTokenAsync(TestTpp tpp, string clientId)
    {
        var (status, body) = await TokenWithAssertionAsync(tpp.TransportCertificate, clientId, Assertion(clientId, tpp.SigningKey));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body["access_token"]!.GetValue<string>();
    }

    public ValueTask DisposeAsync() => Environment.DisposeAsync();
}
