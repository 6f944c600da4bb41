// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// Registers the two named <see cref="HttpClient"/>s of <see cref="JwksResolver"/>. Called by <c>AddDcr()</c>;
/// hosts adjust the handlers through <see cref="JwksHttpHandlerOptions"/>, not by registering the names again.
/// </summary>
internal static class JwksHttpClientRegistration
{
    /// <summary>Registers <see cref="JwksResolver.TrustAnchorHttpClientName"/> and <see cref="JwksResolver.SoftwareHttpClientName"/>.</summary>
    /// <param name="services">The services.</param>
    public static void AddJwksHttpClients(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<JwksHttpHandlerOptions>();

        // The factory's default handlers log full URLs at Information; the resolver logs what is needed itself.
        services.AddHttpClient(JwksResolver.TrustAnchorHttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(CreateTrustAnchorHandler);

        services.AddHttpClient(JwksResolver.SoftwareHttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(CreateSoftwareHandler);
    }

    private static SocketsHttpHandler CreateTrustAnchorHandler(IServiceProvider services)
    {
        var handler = new SocketsHttpHandler { MaxAutomaticRedirections = 5 };
        ApplyHooks(services, handler);
        return handler;
    }

    private static SocketsHttpHandler CreateSoftwareHandler(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<DcrOptions>>();
        var handler = new SocketsHttpHandler();
        ApplyHooks(services, handler);

        // Set after the hooks so that no hook can switch the SSRF guard off. No proxy: the guard must see the
        // address of the JWKS host itself, not of a proxy. No redirects: a redirect could lead anywhere.
        handler.UseProxy = false;
        handler.AllowAutoRedirect = false;
        handler.ConnectCallback = (context, ct) =>
            PublicAddressConnector.ConnectAsync(context, () => options.CurrentValue.Jwks.GetAllowedNetworks(), ct);
        return handler;
    }

    private static void ApplyHooks(IServiceProvider services, SocketsHttpHandler handler)
    {
        foreach (var configure in services.GetRequiredService<IOptions<JwksHttpHandlerOptions>>().Value.ConfigureHandler)
        {
            configure(handler);
        }
    }
}
