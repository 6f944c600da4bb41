// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.EntityFramework.DbContexts;
using Duende.IdentityServer.EntityFramework.Mappers;
using Duende.IdentityServer.Models;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Duende.Infrastructure;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.Duende.Tests;

/// <summary>
/// A bank on Duende IdentityServer as a bank wires it (AddIdentityServer with EF stores on PostgreSQL), plus the two
/// OBIE lines: <c>AddObieDynamicClientRegistration</c> and <c>MapObieDynamicClientRegistration</c>. Real Kestrel over
/// mutual TLS on 127.0.0.1.
/// </summary>
public sealed class DuendeLifecycleHost : ILifecycleHost
{
    private readonly TestHost _host;

    private DuendeLifecycleHost(TestHost host) => _host = host;

    /// <summary>The bank's origin, with a trailing slash (Duende's issuer is this without it).</summary>
    public Uri BaseAddress => _host.BaseAddress;

    public Uri RegistrationEndpoint => _host.RegistrationEndpoint;

    public Uri TokenEndpoint => _host.TokenEndpoint;

    public IServiceProvider Services => _host.Services;

    /// <summary>Starts the bank.</summary>
    /// <param name="environment">The shared environment.</param>
    /// <param name="configure">Changes the engine options after the suite's.</param>
    /// <param name="identityServer">Adds to Duende's builder as a bank would (a client cache, an event sink, ...).</param>
    /// <param name="instance">For one of several instances behind a load balancer: their common issuer and token signing key.</param>
    public static async Task<DuendeLifecycleHost> StartAsync(TestEnvironment environment, Action<DcrOptions>? configure = null, Action<IIdentityServerBuilder>? identityServer = null, (Uri Issuer, SecurityKey SigningKey)? instance = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new DuendeLifecycleHost(await TestHost.StartAsync(new TestHostOptions
        {
            ServerCertificate = environment.Pki.IssueServerCertificate(),
            Configure = (builder, _) =>
            {
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
                if (instance is { } common)
                {
                    identityServerBuilder.AddSigningCredential(new SigningCredentials(common.SigningKey, SecurityAlgorithms.RsaSha256));
                }
                else
                {
                    identityServerBuilder.AddDeveloperSigningCredential(persistKey: false);
                }

                identityServerBuilder
                    .AddConfigurationStore(o => o.ConfigureDbContext = b => b.UseNpgsql(connectionString, n => n.MigrationsAssembly(DuendeMigrations.Assembly)))
                    .AddOperationalStore(o => o.ConfigureDbContext = b => b.UseNpgsql(connectionString, n => n.MigrationsAssembly(DuendeMigrations.Assembly)));
                identityServer?.Invoke(identityServerBuilder);
                identityServerBuilder.AddObieDynamicClientRegistration(options =>
                {
                    environment.ConfigureDcr(options);
                    ObieLifecycleTests.AllowEveryAuthMethod(options);
                    configure?.Invoke(options);
                });
                environment.TrustTestCa(builder.Services);
            },
            ConfigureApp = async app =>
            {
                await app.Services.MigrateObieDynamicClientRegistrationDatabaseAsync();
                await SeedResourcesAsync(app.Services);
                app.UseIdentityServer();
                app.MapObieDynamicClientRegistration("/register");
            },
        }));
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

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
