// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using Duende.IdentityServer;
using Duende.IdentityServer.Configuration;
using Duende.IdentityServer.EntityFramework.DbContexts;
using Duende.IdentityServer.EntityFramework.Mappers;
using Duende.IdentityServer.Models;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Duende.Infrastructure;
using IdentityServer.Dcr.Host.Development;
using IdentityServer.Dcr.Host.Duende.Benchmark;
using IdentityServer.Dcr.Host.Duende.Authorization;
using IdentityServer.Dcr.Host.Operator;
using IdentityServer.Dcr.Host.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

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
        // The issuer Duende publishes is the configured one (Dcr:Issuer), whatever host name or port the request used,
        // and registration requests may name it as their aud (with or without a trailing slash), as TPP tools read it
        // from discovery.
        var configuredIssuer = Uri.TryCreate(builder.Configuration["Dcr:Issuer"], UriKind.Absolute, out var issuerUri)
            ? issuerUri.AbsoluteUri.TrimEnd('/')
            : null;
        var identityServer = builder.Services.AddIdentityServer(options =>
        {
            options.KeyManagement.Enabled = false;
            options.IssuerUri = configuredIssuer;

            // Only what registered clients use: no CIBA, device flow, session management or introspection endpoint (and
            // so none in discovery). The authorization journey: Duende sends the customer to the sandbox consent page.
            options.Endpoints.EnableBackchannelAuthenticationEndpoint = false;
            options.Endpoints.EnableDeviceAuthorizationEndpoint = false;
            options.Endpoints.EnableCheckSessionEndpoint = false;
            options.Endpoints.EnableEndSessionEndpoint = false;
            options.Endpoints.EnableIntrospectionEndpoint = false;
            options.Endpoints.EnableJwtRequestUri = false;
            options.UserInteraction.LoginUrl = ConsentEndpoints.Path;
            options.UserInteraction.ConsentUrl = ConsentEndpoints.Path;
            options.UserInteraction.ErrorUrl = ConsentEndpoints.ErrorPath;
            options.UserInteraction.LoginReturnUrlParameter = ConsentEndpoints.ReturnUrlParameter;
            options.UserInteraction.ConsentReturnUrlParameter = ConsentEndpoints.ReturnUrlParameter;
        });
        AddSigningCredentials(identityServer, builder);
        if (configuredIssuer is not null)
        {
            builder.Services.PostConfigure<DcrOptions>(options =>
            {
                foreach (var audience in new[] { configuredIssuer, configuredIssuer + "/" })
                {
                    if (!options.RequestObject.AcceptedAudiences.Contains(audience))
                    {
                        options.RequestObject.AcceptedAudiences.Add(audience);
                    }
                }
            });
        }

        // /health/live and /health/ready (store reachable and migrated, every trust anchor with keys), and telemetry.
        builder.Services.AddHealthChecks().AddDcrStoreCheck().AddDcrTrustAnchorsCheck();
        builder.AddHostTelemetry("IdentityServer.Dcr.Host.Duende");

        // The operator area (/operator), shared with the OpenIddict demo bank: its own cookie scheme in Development, never
        // Duende's; elsewhere the bank supplies the "DcrOperator" policy.
        builder.AddOperatorArea();

        // The OpenAPI document of the registration and management endpoints (/openapi/dcr.json in Development).
        builder.AddDcrOpenApi();

        identityServer
            .AddConfigurationStore(
                o => o.ConfigureDbContext = b => b.UseNpgsql(connectionString, n => n.MigrationsAssembly(DuendeMigrations.Assembly)))
            .AddOperationalStore(
                o => o.ConfigureDbContext = b => b.UseNpgsql(connectionString, n => n.MigrationsAssembly(DuendeMigrations.Assembly)));

        // Benchmark:WithoutDcrPlugin (off by default) leaves the plug-in out and maps Duende's own DCR instead, for the
        // load run's comparison with Duende's plain registration and private_key_jwt.
        if (WithoutDcrPlugin.IsOn(builder.Configuration))
        {
            WithoutDcrPlugin.AddServices(identityServer, builder.Configuration, connectionString);
        }
        else
        {
            identityServer.AddObieDynamicClientRegistration(builder.Configuration.GetSection("Dcr"));
        }

        if (sandbox is not null)
        {
            var issuer = builder.Configuration["Sandbox:Issuer"] ?? "IdentityServer.Dcr Sandbox Directory";
            builder.Services.AddSingleton(sandbox);
            builder.Services.AddAntiforgery(options => options.Cookie.Name = "dcr-sandbox-consent");

            // The sandbox's account-access consents (App_Data/sandbox/intents.db), the bank's IIntentStore.
            builder.Services.AddSandboxIntents(builder.Configuration, Path.Combine(builder.Environment.ContentRootPath, "App_Data", "sandbox"));
            builder.Services.PostConfigure<DcrOptions>(options =>
            {
                options.SoftwareStatement.TrustAnchors.Add(
                    new TrustAnchorOptions { Issuer = issuer, Jwks = SandboxEndpoints.AnchorJwks(sandbox).ToJsonString() });
                options.Transport.TrustedRoots.Add(sandbox.CertificateAuthority);
            });
            builder.Services.Configure<JwksHttpHandlerOptions>(handler => handler.ConfigureHandler.Add(h =>
                h.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == System.Net.Security.SslPolicyErrors.None
                        || certificate?.GetCertHashString() == sandbox.ServerCertificate.GetCertHashString()));
        }

        return builder;
    }

    /// <summary>
    /// The ID token signing credentials a registered client may ask for (<c>id_token_signed_response_alg</c>): PS256 (the
    /// default, also for access tokens) and ES256, from <see cref="ServerCredentials"/> (the bank's PKCS#12 files, or in
    /// Development certificates kept under <c>App_Data/server</c>). Outside Development without configured files, a
    /// developer RS256 key as before (no registered client can use it for ID tokens).
    /// </summary>
    private static void AddSigningCredentials(IIdentityServerBuilder identityServer, WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment() && string.IsNullOrEmpty(builder.Configuration["Server:SigningCertificate:Path"]))
        {
            identityServer.AddDeveloperSigningCredential(persistKey: false);
            return;
        }

        var credentials = ServerCredentials.Load(
            builder.Configuration,
            builder.Environment,
            Path.Combine(builder.Environment.ContentRootPath, "App_Data"));
        identityServer.AddSigningCredential(credentials.Signing, SecurityAlgorithms.RsaSsaPssSha256);
        if (credentials.EcSigning?.GetECDsaPrivateKey() is { } ec)
        {
            identityServer.AddSigningCredential(
                new ECDsaSecurityKey(ec) { KeyId = credentials.EcSigning.Thumbprint },
                IdentityServerConstants.ECDsaSigningAlgorithm.ES256);
        }
    }

    /// <summary>Validates the options, applies the migrations (DCR, Duende configuration and operational stores) and seeds the API scopes.</summary>
    public static async Task InitialiseAsync(this WebApplication app)
    {
        await app.EnsureOperatorPolicyAsync();
        _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DcrOptions>>().Value;
        await EnsureDatabaseAsync(app.Configuration.GetConnectionString("IdentityServer")!, app.Logger);
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

    /// <summary>
    /// Creates the database when it does not exist yet, through the server's maintenance database, so that the first start
    /// does not log EF Core's "database does not exist" connection error before the migrations create it. Without the
    /// right to do so (a managed server), the migrations try as before.
    /// </summary>
    private static async Task EnsureDatabaseAsync(string connectionString, ILogger logger)
    {
        var target = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(target.Database))
        {
            return;
        }

        var maintenance = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync();
            await using var exists = new Npgsql.NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", target.Database);
            if (await exists.ExecuteScalarAsync() is null)
            {
                var quoted = "\"" + target.Database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                await using var create = new Npgsql.NpgsqlCommand("CREATE DATABASE " + quoted, connection);
                await create.ExecuteNonQueryAsync();
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("Created the database {Database}.", target.Database);
                }
            }
        }
        catch (Npgsql.NpgsqlException exception)
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation(
                    "Could not check for the database {Database} through the maintenance database ({Reason}); the migrations will create it.",
                    target.Database,
                    exception.Message);
            }
        }
    }

    public static WebApplication ConfigurePipeline(this WebApplication app)
    {
        if (app.Services.GetService<SandboxPki>() is not null)
        {
            app.UseSandboxPlainHttpGuard();
        }

        app.UseIdentityServer();
        app.MapOperatorArea();
        app.MapDcrHealthChecks();
        app.MapHostTelemetry();
        if (WithoutDcrPlugin.IsOn(app.Configuration))
        {
            app.MapDynamicClientRegistration(WithoutDcrPlugin.Path);
        }
        else
        {
            app.MapObieDynamicClientRegistration("/register").WithGroupName(DcrOpenApi.DocumentName);
        }

        app.MapDcrOpenApi();
        var sandbox = app.Services.GetService<SandboxPki>();
        app.MapGet("/", () => Results.Json(new
        {
            registration_endpoint = "/register",
            token_endpoint = "/connect/token",
            discovery = "/.well-known/openid-configuration",
            openapi = app.Environment.IsDevelopment() ? "/openapi/dcr.json" : null,
            sandbox = sandbox is null ? null : "/sandbox",
            account_access_consents = sandbox is null ? null : SandboxIntentEndpoints.BasePath,
            @operator = app.Services.GetService<OperatorAreaSettings>() is null ? null : OperatorArea.BasePath,
        }));

        if (sandbox is not null)
        {
            app.MapSandbox(sandbox, app.Configuration["Sandbox:Issuer"] ?? "IdentityServer.Dcr Sandbox Directory");
            app.MapSandboxIntents();
            app.MapConsent();
        }

        return app;
    }
}
