// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Tpp.Http;
using IdentityServer.Dcr.Tpp.Registration;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>Finds the registration endpoint: the option, else the discovery document's, else <c>{bank}/register</c>.</summary>
internal static class EndpointResolver
{
    public static async Task<(Uri Endpoint, DiscoveryDocument? Discovery)> ResolveRegistrationAsync(
        BankClient client, Uri bank, string? explicitEndpoint, TppConsole console, CancellationToken ct)
    {
        if (explicitEndpoint is not null)
        {
            var given = TppContext.ParseUrl(explicitEndpoint, "--registration-endpoint");
            console.Step($"Using the registration endpoint {given} (--registration-endpoint; no discovery)");
            return (given, null);
        }

        var discovery = await DiscoveryDocument.TryFetchAsync(client, bank, console, ct);
        if (discovery?.RegistrationEndpoint is { } advertised)
        {
            var endpoint = TppContext.ParseUrl(advertised, "the discovery document's registration_endpoint");
            console.Detail($"registration_endpoint: {endpoint}");
            return (endpoint, discovery);
        }

        var fallback = new Uri(DiscoveryDocument.WithTrailingSlash(bank), "register");
        console.Detail($"no registration_endpoint advertised; using {fallback}");
        return (fallback, discovery);
    }

    /// <summary><c>{registration_endpoint}/{ClientId}</c> (DCR 3.3, RFC 7592 client configuration endpoint).</summary>
    public static Uri ClientUrl(string registrationEndpoint, string clientId)
        => TppContext.ParseUrl(registrationEndpoint.TrimEnd('/') + "/" + Uri.EscapeDataString(clientId), "the client configuration URL");
}
