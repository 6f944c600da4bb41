// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.EntityFramework.DbContexts;
using Duende.IdentityServer.EntityFramework.Mappers;
using Duende.IdentityServer.Models;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Duende.Infrastructure;
using IdentityServer.Dcr.Host.Development;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.Host.Duende;

/// <summary>
/// The demo bank's wiring: Duende IdentityServer as a bank has it (EF stores on PostgreSQL), plus the two OBIE lines
/// (<c>AddObieDynamicClientRegistration</c>, <c>MapObieDynamicClientRegistration</c>) and the Development sandbox.
/// </summary>
internal static class HostingExtensions
{
    public static WebApplicationBuilder ConfigureServices(this WebApplicationBuilder builder)
    {
        var sandbox = builder.Configuration.GetValue<bool>("Sandbox:Enabled") && builder.Environment.IsDevelopment()
            ? SandboxPki.LoadOrCreate(
                Path.Combine(builder.Environment.ContentRootPath, "App_Data", "sandbox"),
                Uri.TryCreate(builder.Configuration["Sandbox:CrlUrl"], UriKind.Absolute, out var crl) && crl.Scheme == Uri.UriSchemeHttp ? crl : null)
            : null;

        // Mutual TLS: ask for a client certificate, accept any at the TLS layer; the engine and the secret validators check it.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.UseDcrTransportCertificates(kestrel.ApplicationServices);
            if (sandbox is not null && https.ServerCertificate is null && https.ServerCertificateSelector is null)
            {
                https.ServerCertificate = sandbox.ServerCertificate;
            }
        }));

        var connectionString = builder.Configuration.GetConnectionString("IdentityServer")
            ?? throw new InvalidOperationException("ConnectionStrings:IdentityServer (PostgreSQL) is required.");
        builder.Services.AddIdentityServer(options => options.KeyManagement.Enabled = false)
            .AddDeveloperSigningCredential(persistKey: false)
            .AddConfigurationStore(o => o.ConfigureDbContext = b => b.UseNpgsql(connectionString, n => n.MigrationsAssembly(DuendeMigrations.Assembly)))
            .AddOperationalStore(o => o.ConfigureDbContext = b => b.UseNpgsql(connectionString, n => n.MigrationsAssembly(DuendeMigrations.Assembly)))
            .AddObieDynamicClientRegistration(builder.Configuration.GetSection("Dcr"));

        if (sandbox is not null)
        {
            var issuer = builder.Configuration["Sandbox:Issuer"] ?? "IdentityServer.Dcr Sandbox Directory";
            builder.Services.AddSingleton(sandbox);

            // The sandbox's account-access consents (App_Data/sandbox/intents.db), the bank's IIntentStore.
            builder.Services.AddSandboxIntents(builder.Configuration, Path.Combine(builder.Environment.ContentRootPath, "App_Data", "sandbox"));
            builder.Services.PostConfigure<DcrOptions>(options =>
            {
                options.SoftwareStatement.TrustAnchors.Add(new TrustAnchorOptions { Issuer = issuer, Jwks = SandboxEndpoints.AnchorJwks(sandbox).ToJsonString() });
                options.Transport.TrustedRoots.Add(sandbox.CertificateAuthority);
            });
            builder.Services.Configure<JwksHttpHandlerOptions>(handler => handler.ConfigureHandler.Add(h =>
                h.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == System.Net.Security.SslPolicyErrors.None || certificate?.GetCertHashString() == sandbox.ServerCertificate.GetCertHashString()));
        }

        return builder;
    }

    /// <summary>Validates the options, applies the migrations (DCR, Duende configuration and operational stores) and seeds the API scopes.</summary>
    public static async Task InitialiseAsync(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DcrOptions>>().Value;
        await app.Services.MigrateObieDynamicClientRegistrationDatabaseAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ConfigurationDbContext>();
        foreach (var name in new[] { "accounts", "payments", "fundsconfirmations" })
        {
            if (!await context.ApiScopes.AnyAsync(s => s.Name == name))
            {
                context.ApiScopes.Add(new ApiScope(name).ToEntity());
            }
        }

        if (!await context.IdentityResources.AnyAsync(r => r.Name == "openid"))
        {
            context.IdentityResources.Add(new IdentityResources.OpenId().ToEntity());
        }

        await context.SaveChangesAsync();
    }

    public static WebApplication ConfigurePipeline(this WebApplication app)
    {
        if (app.Services.GetService<SandboxPki>() is not null)
        {
            app.UseSandboxPlainHttpGuard();
        }

        app.UseIdentityServer();
        app.MapObieDynamicClientRegistration("/register");
        var sandbox = app.Services.GetService<SandboxPki>();
        app.MapGet("/", () => Results.Json(new
        {
            registration_endpoint = "/register",
            token_endpoint = "/connect/token",
            discovery = "/.well-known/openid-configuration",
            sandbox = sandbox is null ? null : "/sandbox",
            account_access_consents = sandbox is null ? null : SandboxIntentEndpoints.BasePath,
        }));

        if (sandbox is not null)
        {
            app.MapSandbox(sandbox, app.Configuration["Sandbox:Issuer"] ?? "IdentityServer.Dcr Sandbox Directory");
            app.MapSandboxIntents();
        }

        return app;
    }
}
