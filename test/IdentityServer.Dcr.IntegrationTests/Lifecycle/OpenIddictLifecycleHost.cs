// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using IdentityServer.Dcr.Testing.PostgreSql;

namespace IdentityServer.Dcr.IntegrationTests.Lifecycle;

/// <summary>
/// A bank on OpenIddict as a bank wires it (AddOpenIddict with the server and its token endpoint), plus the OBIE lines:
/// <c>AddDcr(...).AddOpenIddict()</c>, the PostgreSQL store and <c>MapDcr</c>. Real Kestrel over mutual TLS on 127.0.0.1.
/// </summary>
public sealed class OpenIddictLifecycleHost : ILifecycleHost
{
    private readonly WebApplication _app;

    private OpenIddictLifecycleHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        RegistrationEndpoint = new Uri(baseAddress, "register");
        TokenEndpoint = new Uri(baseAddress, "connect/token");
    }

    public Uri RegistrationEndpoint { get; }

    public Uri TokenEndpoint { get; }

    /// <summary>Where the bank itself listens (behind a proxy, not the published address).</summary>
    public Uri BackendAddress { get; private init; } = null!;

    /// <summary>Starts the bank on a free loopback port.</summary>
    /// <param name="environment">The shared environment.</param>
    /// <param name="configure">Changes the engine options.</param>
    /// <param name="publicBaseAddress">The address TPPs use, when a reverse proxy stands in front: the issuer and the endpoints published.</param>
    /// <param name="keys">The token signing and encryption keys, when several instances must accept each other's tokens (otherwise ephemeral).</param>
    public static async Task<OpenIddictLifecycleHost> StartAsync(LifecycleEnvironment environment, Action<DcrOptions>? configure = null, Uri? publicBaseAddress = null, (SecurityKey Signing, SecurityKey Encryption)? keys = null)
    {
        // The issuer needs the port before Kestrel binds it, so another process may take it in between: try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortAsync(environment, configure, publicBaseAddress, keys);
            }
            catch (IOException exception) when (attempt < 3 && exception.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<OpenIddictLifecycleHost> StartOnFreePortAsync(LifecycleEnvironment environment, Action<DcrOptions>? configure, Uri? publicBaseAddress, (SecurityKey Signing, SecurityKey Encryption)? keys)
    {
        // The issuer must be known before the server starts (token validation runs outside requests): pick the port first.
        var port = LoopbackPort.Free();
        var baseAddress = new Uri($"https://127.0.0.1:{port}/");
        var issuer = publicBaseAddress ?? baseAddress;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.UseHttps(https =>
        {
            https.ServerCertificate = environment.Pki.IssueServerCertificate();
            https.UseDcrTransportCertificates(l.ApplicationServices);
        })));

        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetIssuer(issuer);
            server.SetTokenEndpointUris("connect/token");
            server.SetConfigurationEndpointUris(".well-known/openid-configuration");
            server.AllowClientCredentialsFlow();
            if (keys is { } shared)
            {
                server.AddSigningKey(shared.Signing).AddEncryptionKey(shared.Encryption);
            }
            else
            {
                server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            }
            server.UseAspNetCore();
        });
        builder.Services.AddDcr(options =>
        {
            options.SoftwareStatement.TrustAnchors.Add(new TrustAnchorOptions { Issuer = environment.Directory.Issuer, JwksUri = environment.DirectoryJwksUri });
            options.RequestObject.AcceptedAudiences.Add(LifecycleEnvironment.Audience);
            options.Transport.TrustedRoots.Add(environment.Pki.RootCertificate);
            options.Transport.RevocationMode = X509RevocationMode.NoCheck; // The test CA publishes no CRL; RevocationLifecycleTests check revocation.
            options.Jwks.AllowedNetworks.Add("127.0.0.0/8");
            options.Jwks.AllowedNetworks.Add("::1");
            options.Jwks.MinRefreshInterval = TimeSpan.Zero;
            // The lifecycle suite also tries the secret method (an update may not switch to it).
            options.Registration.TokenEndpointAuthMethods.Add("private_key_jwt");
            options.Registration.TokenEndpointAuthMethods.Add("tls_client_auth");
            options.Registration.TokenEndpointAuthMethods.Add("client_secret_basic");
            configure?.Invoke(options);
        }).AddOpenIddict();
        builder.Services.AddDcrPostgreSqlStore(environment.HostConnectionString);
        builder.Services.Configure<JwksHttpHandlerOptions>(o => o.ConfigureHandler.Add(handler =>
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => environment.Pki.IsIssuedHere(certificate as X509Certificate2)));

        var app = builder.Build();
        await app.Services.MigrateDcrDatabaseAsync();
        await app.Services.MigrateDcrOpenIddictDatabaseAsync();
        app.UseAuthentication();
        app.MapDcr("/register");
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new OpenIddictLifecycleHost(app, issuer) { BackendAddress = baseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
