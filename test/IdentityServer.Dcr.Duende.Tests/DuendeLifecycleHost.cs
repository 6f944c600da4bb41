// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography.X509Certificates;
using Duende.IdentityServer.EntityFramework.DbContexts;
using Duende.IdentityServer.EntityFramework.Mappers;
using Duende.IdentityServer.Models;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Duende.Infrastructure;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.Duende.Tests;

/// <summary>
/// A bank on Duende IdentityServer as a bank wires it (AddIdentityServer with EF stores on PostgreSQL), plus the two
/// OBIE lines: <c>AddObieDynamicClientRegistration</c> and <c>MapObieDynamicClientRegistration</c>. Real Kestrel over
/// mutual TLS on 127.0.0.1.
/// </summary>
public sealed class DuendeLifecycleHost : ILifecycleHost
{
    private readonly WebApplication _app;

    private DuendeLifecycleHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        RegistrationEndpoint = new Uri(baseAddress, "register");
        TokenEndpoint = new Uri(baseAddress, "connect/token");
    }

    /// <summary>The bank's origin, with a trailing slash (Duende's issuer is this without it).</summary>
    public Uri BaseAddress { get; }

    public Uri RegistrationEndpoint { get; }

    public Uri TokenEndpoint { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the bank.</summary>
    /// <param name="environment">The shared lifecycle environment.</param>
    /// <param name="configure">Changes the engine options after the suite's.</param>
    /// <param name="identityServer">Adds to Duende's builder as a bank would (a client cache, an event sink, ...).</param>
    /// <param name="instance">For one of several instances behind a load balancer: their common issuer and token signing key.</param>
    public static async Task<DuendeLifecycleHost> StartAsync(LifecycleEnvironment environment, Action<DcrOptions>? configure = null, Action<IIdentityServerBuilder>? identityServer = null, (Uri Issuer, SecurityKey SigningKey)? instance = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(https =>
        {
            https.ServerCertificate = environment.Pki.IssueServerCertificate();
            https.UseDcrTransportCertificates(l.ApplicationServices);
        })));

        var connectionString = environment.HostConnectionString;
        var identityServerBuilder = builder.Services.AddIdentityServer(options =>
            {
                options.KeyManagement.Enabled = false;
                options.Events.RaiseFailureEvents = true;
                options.Events.RaiseSuccessEvents = true;
                if (instance is { } shared)
                {
                    options.IssuerUri = shared.Issuer.AbsoluteUri.TrimEnd('/');
                }
            });
        _ = instance is { } common
            ? identityServerBuilder.AddSigningCredential(new SigningCredentials(common.SigningKey, SecurityAlgorithms.RsaSha256))
            : identityServerBuilder.AddDeveloperSigningCredential(persistKey: false);
        identityServerBuilder
            .AddConfigurationStore(o => o.ConfigureDbContext = b => b.UseNpgsql(connectionString, n => n.MigrationsAssembly(DuendeMigrations.Assembly)))
            .AddOperationalStore(o => o.ConfigureDbContext = b => b.UseNpgsql(connectionString, n => n.MigrationsAssembly(DuendeMigrations.Assembly)));
        identityServer?.Invoke(identityServerBuilder);
        identityServerBuilder.AddObieDynamicClientRegistration(options =>
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
        });
        builder.Services.Configure<JwksHttpHandlerOptions>(o => o.ConfigureHandler.Add(handler =>
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => environment.Pki.IsIssuedHere(certificate as X509Certificate2)));

        var app = builder.Build();
        await app.Services.MigrateObieDynamicClientRegistrationDatabaseAsync();
        await SeedResourcesAsync(app.Services);
        app.UseIdentityServer();
        app.MapObieDynamicClientRegistration("/register");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DuendeLifecycleHost(app, new Uri(address + "/"));
    }

    /// <summary>The bank's API scopes and identity resources, in Duende's configuration store as a bank keeps them.</summary>
    private static async Task SeedResourcesAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ConfigurationDbContext>();
        if (await context.ApiScopes.AnyAsync())
        {
            return; // Seeded by another instance on the same database.
        }

        context.ApiScopes.AddRange(new ApiScope("accounts").ToEntity(), new ApiScope("payments").ToEntity());
        context.IdentityResources.Add(new IdentityResources.OpenId().ToEntity());
        await context.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
