// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Tpp.Http;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>
/// <c>obie-tpp token</c>: a client-credentials grant at the token endpoint over mutual TLS, authenticated with
/// <c>private_key_jwt</c> (a client assertion signed by the software key) or <c>tls_client_auth</c> (the transport
/// certificate); saves the access token for <c>get</c>, <c>update</c> and <c>delete</c>.
/// </summary>
internal sealed class TokenCommand(TppContext context)
{
    /// <summary>A saved token is reused only while it has at least this long left.</summary>
    private static readonly TimeSpan ReuseMargin = TimeSpan.FromSeconds(30);

    public async Task<string> RunAsync(TokenOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = context.Store.Load();
        using var certificate = state.TransportCertificateFile is null ? null : context.LoadTransportCertificate(state);
        using var client = context.CreateClient(certificate);
        return await RequestAsync(client, state, options, ct);
    }

    /// <summary>The saved access token while it is valid, else a new one.</summary>
    public async Task<string> EnsureAsync(BankClient client, TppState state, TokenOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        var now = context.Time.GetUtcNow();
        if (state.AccessToken is { } saved
            && (state.AccessTokenExpiresAt is not { } expires || DateTimeOffset.FromUnixTimeSeconds(expires) - now > ReuseMargin))
        {
            var remaining = state.AccessTokenExpiresAt is { } at
                ? $" (expires in {(DateTimeOffset.FromUnixTimeSeconds(at) - now).TotalSeconds:0} s)"
                : "";
            context.Console.Step("Using the saved access token" + remaining);
            return saved;
        }

        return await RequestAsync(client, state, options, ct);
    }

    private async Task<string> RequestAsync(BankClient client, TppState state, TokenOptions options, CancellationToken ct)
    {
        _ = state.ClientId ?? throw new TppException("no client_id: run 'obie-tpp register' first.");
        var tokenEndpoint = await ResolveTokenEndpointAsync(client, state, options, ct);
        var method = ClientAuthentication.Method(options.AuthMethod, state);
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (!string.IsNullOrWhiteSpace(options.Scope))
        {
            form.Add(new("scope", options.Scope));
        }

        var (authorization, description) = ClientAuthentication.Apply(context, state, method, tokenEndpoint, form, withClientId: false);
        context.Console.Step($"Requesting an access token at {tokenEndpoint} (client_credentials, {description})");

        var response = await client.SendAsync(HttpMethod.Post, tokenEndpoint, new FormUrlEncodedContent(form), authorization, ct);
        var json = response.IsSuccess ? response.Json : null;
        var accessToken = JsonFields.Text(json, "access_token");
        if (accessToken is null)
        {
            throw response.IsSuccess
                ? new TppException($"POST {tokenEndpoint} answered {response.StatusText} without an access_token.")
                : response.Failure("the token request");
        }

        var expiresIn = JsonFields.Number(json, "expires_in");
        state.AccessToken = accessToken;
        state.AccessTokenExpiresAt = expiresIn is { } seconds ? context.Time.GetUtcNow().ToUnixTimeSeconds() + seconds : null;
        state.TokenEndpoint = tokenEndpoint.AbsoluteUri;
        context.Store.Save(state);
        var lifetime = expiresIn is null ? "" : $", expires in {expiresIn} s";
        var granted = JsonFields.Text(json, "scope") is { } scope ? $", scope '{scope}'" : "";
        context.Console.Detail(
            $"{JsonFields.Text(json, "token_type") ?? "access"} token obtained{lifetime}{granted}; saved to {context.Store.StatePath}");
        return accessToken;
    }

    internal async Task<Uri> ResolveTokenEndpointAsync(BankClient client, TppState state, TokenOptions options, CancellationToken ct)
    {
        if ((options.TokenEndpoint ?? state.TokenEndpoint) is { } known)
        {
            return TppContext.ParseUrl(known, "the token endpoint");
        }

        var bank = TppContext.ResolveBank(options.Bank, state.Bank);
        var discovery = await DiscoveryDocument.TryFetchAsync(client, bank, context.Console, ct);
        return discovery?.TokenEndpoint is { } advertised
            ? TppContext.ParseUrl(advertised, "the discovery document's token_endpoint")
            : throw new TppException($"no token endpoint: {bank} publishes no discovery document with a token_endpoint; pass --token-endpoint URL.");
    }
}
