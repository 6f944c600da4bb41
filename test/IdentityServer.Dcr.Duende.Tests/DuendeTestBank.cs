// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Duende.Tests;

/// <summary>
/// A Duende bank (<see cref="DuendeLifecycleHost"/>) in its own lifecycle environment, for the plug-in's own
/// integration fixtures: register a TPP, obtain tokens, read the host's services.
/// </summary>
public sealed class DuendeTestBank : IAsyncDisposable
{
    private DuendeTestBank(TestEnvironment environment, DuendeLifecycleHost host)
    {
        Environment = environment;
        Host = host;
    }

    public TestEnvironment Environment { get; }

    public DuendeLifecycleHost Host { get; }

    public static async Task<DuendeTestBank> StartAsync(Action<DcrOptions>? configure = null, Action<IIdentityServerBuilder>? identityServer = null)
    {
        var environment = await TestEnvironment.StartAsync();
        try
        {
            return new DuendeTestBank(environment, await DuendeLifecycleHost.StartAsync(environment, configure, identityServer));
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    /// <summary>Registers <paramref name="tpp"/> (private_key_jwt unless modified) and returns its client id.</summary>
    public async Task<string> RegisterAsync(TestTpp tpp, Action<JsonObject>? modify = null)
        => (await RegisterWithResponseAsync(tpp, modify)).ClientId;

    /// <summary>Registers <paramref name="tpp"/> (private_key_jwt unless modified) and returns its client id and the response.</summary>
    public async Task<(string ClientId, JsonObject Body)> RegisterWithResponseAsync(TestTpp tpp, Action<JsonObject>? modify = null)
    {
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, tpp.TransportCertificate, body: Environment.SignedRequest(tpp, modify));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return (body["client_id"]!.GetValue<string>(), body);
    }

    /// <summary>A client_credentials request authenticated with <c>private_key_jwt</c>.</summary>
    public Task<HttpResponseMessage> RequestTokenAsync(TestTpp tpp, string clientId, string scope = "accounts", TestSigningKey? key = null)
        => Environment.PostFormAsync(Host.TokenEndpoint, tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = scope,
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = TestEnvironment.ClientAssertion(key ?? tpp.SigningKey, clientId, Host.TokenEndpoint),
        });

    /// <summary>An access token for <paramref name="clientId"/>, with <c>private_key_jwt</c>.</summary>
    public async Task<string> TokenAsync(TestTpp tpp, string clientId, string scope = "accounts")
    {
        using var response = await RequestTokenAsync(tpp, clientId, scope);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json["access_token"]!.GetValue<string>();
    }

    public T GetRequiredService<T>()
        where T : notnull
        => Host.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Environment.DisposeAsync();
    }
}
