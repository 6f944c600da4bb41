// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Host.Development;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace IdentityServer.Dcr.Host;

/// <summary>The demo host's wiring: what a bank adds to its own identity server is in <see cref="ConfigureServices"/>.</summary>
internal static class HostingExtensions
{
    public static WebApplicationBuilder ConfigureServices(this WebApplicationBuilder builder)
    {
        var sandbox = builder.Configuration.GetValue<bool>("Sandbox:Enabled") && builder.Environment.IsDevelopment()
            ? SandboxPki.LoadOrCreate(Path.Combine(builder.Environment.ContentRootPath, "App_Data", "sandbox"))
            : null;

        // Mutual TLS: ask for a client certificate on every connection, accept any at the TLS layer, and let the
        // engine check the chain against Dcr:Transport:TrustedRoots (so errors are RFC 7591 JSON, not TLS alerts).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
            if (sandbox is not null && https.ServerCertificate is null && https.ServerCertificateSelector is null)
            {
                https.ServerCertificate = sandbox.ServerCertificate;
            }
        }));

        // The engine, bound from the "Dcr" section of appsettings.json: trust anchors, policy, supported values.
        builder.Services.AddDcr(builder.Configuration.GetSection("Dcr"));
        if (sandbox is not null)
        {
            var issuer = builder.Configuration["Sandbox:Issuer"] ?? "IdentityServer.Dcr Sandbox Directory";
            builder.Services.AddSingleton(sandbox);
            builder.Services.PostConfigure<DcrOptions>(options =>
            {
                options.SoftwareStatement.TrustAnchors.Add(new TrustAnchorOptions { Issuer = issuer, Jwks = SandboxEndpoints.AnchorJwks(sandbox).ToJsonString() });
                options.Transport.TrustedRoots.Add(sandbox.CertificateAuthority);
            });

            // The sandbox serves TPP JWKS itself, over its own TLS certificate.
            builder.Services.Configure<JwksHttpHandlerOptions>(handler => handler.ConfigureHandler.Add(h =>
                h.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == System.Net.Security.SslPolicyErrors.None || certificate?.GetCertHashString() == sandbox.ServerCertificate.GetCertHashString()));
        }

        // Storage: SQLite in App_Data by default; PostgreSQL with Store:Provider=PostgreSql and ConnectionStrings:Dcr.
        var connectionString = builder.Configuration.GetConnectionString("Dcr") ?? "Data Source=App_Data/dcr.db";
        if (string.Equals(builder.Configuration["Store:Provider"], "PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddDcrPostgreSqlStore(connectionString);
        }
        else
        {
            Directory.CreateDirectory(Path.Combine(builder.Environment.ContentRootPath, "App_Data"));
            builder.Services.AddDcrSqliteStore(connectionString);
        }

        return builder;
    }

    /// <summary>Validates the configuration first (a wrong setting stops here, naming it), then applies the store's migrations.</summary>
    public static async Task InitialiseAsync(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DcrOptions>>().Value;
        await app.Services.MigrateDcrDatabaseAsync();
    }

    public static WebApplication ConfigurePipeline(this WebApplication app)
    {
        app.MapDcr("/register");
        app.MapGet("/", () => Results.Json(new
        {
            registration_endpoint = "/register",
            sandbox = app.Services.GetService<SandboxPki>() is null ? null : "/sandbox",
        }));

        if (app.Services.GetService<SandboxPki>() is { } sandbox)
        {
            app.MapSandbox(sandbox, app.Configuration["Sandbox:Issuer"] ?? "IdentityServer.Dcr Sandbox Directory");
        }

        return app;
    }
}
