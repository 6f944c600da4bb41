// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.IntegrationTests.Lifecycle;

/// <summary>
/// A bank on OpenIddict as a bank wires it (AddOpenIddict with the server and its token endpoint), plus the OBIE lines:
/// <c>AddDcr(...).AddOpenIddict()</c>, the PostgreSQL store and <c>MapDcr</c>. Real Kestrel over mutual TLS on 127.0.0.1.
/// </summary>
public sealed class OpenIddictLifecycleHost : ILifecycleHost
{
    private readonly TestHost _host;

    private OpenIddictLifecycleHost(TestHost host, Uri issuer)
    {
        _host = host;
        RegistrationEndpoint = new Uri(issuer, "register");
        TokenEndpoint = new Uri(issuer, "connect/token");
    }

    public Uri RegistrationEndpoint { get; }

    public Uri TokenEndpoint { get; }

    /// <summary>Where the bank itself listens (behind a proxy, not the published address).</summary>
    public Uri BackendAddress => _host.BaseAddress;

    /// <summary>Starts the bank on a free loopback port.</summary>
    /// <param name="environment">The shared environment.</param>
    /// <param name="configure">Changes the engine options.</param>
    /// <param name="publicBaseAddress">The address TPPs use, when a reverse proxy stands in front: the issuer and the endpoints published.</param>
    /// <param name="keys">The token signing and encryption keys, when several instances must accept each other's tokens (otherwise ephemeral).</param>
    public static async Task<OpenIddictLifecycleHost> StartAsync(TestEnvironment environment, Action<DcrOptions>? configure = null, Uri? publicBaseAddress = null, (SecurityKey Signing, SecurityKey Encryption)? keys = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var host = await TestHost.StartAsync(new TestHostOptions
        {
            ServerCertificate = environment.Pki.IssueServerCertificate(),
            Configure = (builder, address) =>
            {
                // The issuer must be known before the server starts (token validation runs outside requests).
                AddServer(builder.Services, publicBaseAddress ?? address.BaseAddress, keys);
                builder.Services.AddDcr(options =>
                {
                    environment.ConfigureDcr(options);
                    ObieLifecycleTests.AllowEveryAuthMethod(options);
                    configure?.Invoke(options);
                }).AddOpenIddict();
                builder.Services.AddDcrPostgreSqlStore(environment.HostConnectionString);
                environment.TrustTestCa(builder.Services);
            },
            ConfigureApp = async app =>
            {
                await app.Services.MigrateDcrDatabaseAsync();
                await app.Services.MigrateDcrOpenIddictDatabaseAsync();
                app.UseAuthentication();
                app.MapDcr("/register");
            },
        });
        return new OpenIddictLifecycleHost(host, publicBaseAddress ?? host.BaseAddress);
    }

    /// <summary>OpenIddict's server as the suites' banks have it: client credentials at <c>connect/token</c>, discovery.</summary>
    /// <param name="services">The bank's services.</param>
    /// <param name="issuer">The issuer (the bank's public address).</param>
    /// <param name="keys">The token signing and encryption keys, or null for ephemeral ones.</param>
    /// <param name="server">Changes the server options after these (token lifetimes, encryption).</param>
    public static void AddServer(IServiceCollection services, Uri issuer, (SecurityKey Signing, SecurityKey Encryption)? keys, Action<OpenIddictServerBuilder>? server = null)
        => services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(issuer);
            options.SetTokenEndpointUris("connect/token");
            options.SetConfigurationEndpointUris(".well-known/openid-configuration");
            options.AllowClientCredentialsFlow();
            if (keys is { } shared)
            {
                options.AddSigningKey(shared.Signing).AddEncryptionKey(shared.Encryption);
            }
            else
            {
                options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            }

            options.UseAspNetCore();
            server?.Invoke(options);
        });

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
