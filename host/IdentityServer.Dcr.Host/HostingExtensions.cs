// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Host.Authorization;
using IdentityServer.Dcr.Host.Benchmark;
using IdentityServer.Dcr.Host.Development;
using IdentityServer.Dcr.Host.Operator;
using IdentityServer.Dcr.Host.Shared;
using IdentityServer.Dcr.OpenIddict;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.Host;

/// <summary>
/// The demo bank's wiring, as a bank would write it: OpenIddict as the authorization server (discovery and the token
/// endpoint), the DCR engine with its OpenIddict plug-in (registration and management), one database for both, and
/// mutual TLS. The OBIE profile (supported methods, algorithms, substitutions) is in appsettings.json.
/// </summary>
internal static class HostingExtensions
{
    public static WebApplicationBuilder ConfigureServices(this WebApplicationBuilder builder)
    {
        var appData = Path.Combine(builder.Environment.ContentRootPath, "App_Data");
        Directory.CreateDirectory(appData);
        var sandbox = builder.Configuration.GetValue<bool>("Sandbox:Enabled") && builder.Environment.IsDevelopment()
            ? SandboxPki.LoadOrCreate(
                Path.Combine(appData, "sandbox"),
                SandboxCrlUrl(builder.Configuration),
                builder.Configuration.GetValue<TimeSpan?>("Sandbox:CrlValidity"))
            : null;

        // Mutual TLS: ask for a client certificate on every connection, accept any at the TLS layer, and let the
        // engine check the chain against Dcr:Transport:TrustedRoots (so errors are OAuth JSON, not TLS alerts); the
        // TLS layer's own chain is built against those roots too, not the machine's store.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.UseDcrTransportCertificates(kestrel.ApplicationServices);
            if (sandbox is not null && https.ServerCertificate is null && https.ServerCertificateSelector is null)
            {
                https.ServerCertificate = sandbox.ServerCertificate;
            }
        }));

        // The authorization server: discovery and the token endpoint (client credentials). Registered TPPs are its
        // clients; the DCR plug-in authenticates them (private_key_jwt, tls_client_auth) from their registration.
        var issuer = Issuer(builder.Configuration["Dcr:Issuer"]);
        var credentials = ServerCredentials.Load(builder.Configuration, builder.Environment, appData);
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetIssuer(issuer);
            server.SetConfigurationEndpointUris(".well-known/openid-configuration");
            server.SetTokenEndpointUris("connect/token");
            server.AllowClientCredentialsFlow();

            // The OBIE authorization journey: a signed request object by value or pushed (PAR), code id_token (hybrid)
            // or code with PKCE S256, refresh tokens. The plug-in verifies request objects; the bank's page (here the
            // sandbox consent page, ConsentEndpoints) signs the customer in and records the decision.
            server.SetAuthorizationEndpointUris("connect/authorize");
            server.SetPushedAuthorizationEndpointUris("connect/par");
            server.AllowAuthorizationCodeFlow().AllowHybridFlow().AllowRefreshTokenFlow();

            // The first credential signs access tokens (RS256); ID tokens use the client's registered
            // id_token_signed_response_alg (PS256 or ES256: FAPI allows no other), chosen by the plug-in.
            server.AddSigningCertificate(credentials.Signing).AddEncryptionCertificate(credentials.Encryption);
            server.AddSigningCredentials(new SigningCredentials(new X509SecurityKey(credentials.Signing), SecurityAlgorithms.RsaSsaPssSha256));
            if (credentials.EcSigning?.GetECDsaPrivateKey() is { } ec)
            {
                server.AddSigningCredentials(
                    new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = credentials.EcSigning.Thumbprint }, SecurityAlgorithms.EcdsaSha256));
            }

            // Access tokens are signed JWTs, not encrypted: the bank's resource servers (and FAPI profiles) validate
            // them with the published signing keys, and encryption would double the token endpoint's RSA work.
            server.DisableAccessTokenEncryption();

            // OpenIddict stores an entry per token by default (revocation, introspection, and management tokens of a
            // deleted client refused by their entry). Server:DisableTokenStorage=true issues self-contained JWTs only:
            // one database write fewer per token, at the price of revocation (see docs/benchmarks.md, "Performance").
            if (builder.Configuration.GetValue<bool>("Server:DisableTokenStorage"))
            {
                server.DisableTokenStorage();
            }

            server.UseAspNetCore().EnableAuthorizationEndpointPassthrough();
        });

        // The DCR engine, bound from the "Dcr" section (trust anchors, the OBIE profile), and the OpenIddict plug-in:
        // each registration becomes an OpenIddict application; management tokens are validated by OpenIddict.
        // (Benchmark:WithoutDcrPlugin, off by default, leaves the plug-in out for the load run's baseline.)
        var dcr = builder.Services.AddDcr(builder.Configuration.GetSection("Dcr"));
        if (WithoutDcrPlugin.IsOn(builder.Configuration))
        {
            WithoutDcrPlugin.AddServices(builder.Services, builder.Configuration);
        }
        else
        {
            dcr.AddOpenIddict();
        }

        // The plug-in's own settings: DcrOpenIddict:RegistrationPath, DcrOpenIddict:ApplicationCache:Duration and SizeLimit.
        builder.Services.Configure<DcrOpenIddictOptions>(builder.Configuration.GetSection("DcrOpenIddict"));

        // TPPs sign registration requests for the issuer as discovery publishes it, too (with its trailing slash).
        builder.Services.PostConfigure<DcrOptions>(options =>
        {
            if (!options.RequestObject.AcceptedAudiences.Contains(issuer.AbsoluteUri))
            {
                options.RequestObject.AcceptedAudiences.Add(issuer.AbsoluteUri);
            }
        });

        // Free native heap pages go back to the OS now and then (glibc keeps those TLS handshakes leave behind).
        builder.Services.AddHostedService<NativeMemoryTrimmer>();

        builder.Services.AddAntiforgery(options => options.Cookie.Name = "dcr-sandbox-consent");

        // /health/live and /health/ready: the database reachable and migrated, every trust anchor with keys, token
        // signing credentials present.
        builder.Services.AddHealthChecks().AddDcrStoreCheck().AddDcrTrustAnchorsCheck().AddDcrSigningCredentialsCheck();

        // Traces and metrics (Telemetry:Prometheus, Telemetry:Otlp:Endpoint), the library's and the framework's.
        builder.AddHostTelemetry("IdentityServer.Dcr.Host");

        // The operator area (/operator): registrations, disabling and deleting clients, activity. Operator:Enabled (on in
        // Development, with the sandbox operator's sign-in); elsewhere the bank supplies the "DcrOperator" policy.
        builder.AddOperatorArea();

        // The OpenAPI document of the registration and management endpoints (/openapi/dcr.json in Development).
        builder.AddDcrOpenApi();
        AddStore(builder, appData);
        if (sandbox is not null)
        {
            AddSandbox(builder, sandbox, Path.Combine(appData, "sandbox"));
        }

        return builder;
    }

    /// <summary>
    /// Validates the configuration first (a wrong setting stops here, naming it), then applies the migrations of the
    /// DCR tables and of OpenIddict's tables, which live in the same database.
    /// </summary>
    public static async Task InitialiseAsync(this WebApplication app)
    {
        await app.EnsureOperatorPolicyAsync();
        _ = app.Services.GetRequiredService<IOptions<DcrOptions>>().Value;
        await app.Services.MigrateDcrDatabaseAsync();
        if (WithoutDcrPlugin.IsOn(app.Configuration))
        {
            await WithoutDcrPlugin.MigrateAsync(app.Services);
            return;
        }

        await app.Services.MigrateDcrOpenIddictDatabaseAsync();
    }

    public static WebApplication ConfigurePipeline(this WebApplication app)
    {
        if (app.Services.GetService<SandboxPki>() is not null)
        {
            app.UseSandboxPlainHttpGuard();
        }

        // OpenIddict serves discovery and the token endpoint from the authentication middleware.
        app.UseAuthentication();
        app.MapOperatorArea();
        if (!WithoutDcrPlugin.IsOn(app.Configuration))
        {
            app.MapDcr("/register").WithGroupName(DcrOpenApi.DocumentName);
        }

        app.MapDcrHealthChecks();
        app.MapHostTelemetry();
        app.MapDcrOpenApi();
        if (app.Services.GetService<SandboxPki>() is not null)
        {
            // The sandbox's customers and consent page; a bank puts its own sign-in and consent here.
            app.MapConsent();
        }
        var sandbox = app.Services.GetService<SandboxPki>();
        app.MapGet("/", () => Results.Json(new
        {
            discovery = "/.well-known/openid-configuration",
            registration_endpoint = "/register",
            token_endpoint = "/connect/token",
            authorization_endpoint = "/connect/authorize",
            health = new[] { "/health/live", "/health/ready" },
            openapi = app.Environment.IsDevelopment() ? "/openapi/dcr.json" : null,
            pushed_authorization_request_endpoint = "/connect/par",
            sandbox = sandbox is null ? null : "/sandbox",
            account_access_consents = sandbox is null ? null : SandboxIntentEndpoints.BasePath,
            @operator = app.Services.GetService<OperatorAreaSettings>() is null ? null : OperatorArea.BasePath,
        }));

        if (sandbox is not null)
        {
            app.MapSandbox(sandbox, app.Configuration["Sandbox:Issuer"] ?? "IdentityServer.Dcr Sandbox Directory");
            app.MapSandboxIntents();
        }

        return app;
    }

    /// <summary>Sandbox:CrlUrl, where the sandbox CA's transport certificates say its CRL is (a plain-HTTP URL the host also listens on).</summary>
    internal static Uri? SandboxCrlUrl(IConfiguration configuration)
        => Uri.TryCreate(configuration["Sandbox:CrlUrl"], UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp
            ? url
            : null;

    private static Uri Issuer(string? configured)
        => Uri.TryCreate(configured, UriKind.Absolute, out var issuer) && issuer.Scheme == Uri.UriSchemeHttps
            ? issuer
            : throw new InvalidOperationException("Dcr:Issuer must be the bank's absolute https issuer URL (for example https://localhost:5443).");

    /// <summary>SQLite under App_Data by default; PostgreSQL with Store:Provider=PostgreSql and ConnectionStrings:Dcr.</summary>
    private static void AddStore(WebApplicationBuilder builder, string appData)
    {
        var connectionString = builder.Configuration.GetConnectionString("Dcr");
        if (string.Equals(builder.Configuration["Store:Provider"], "PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddDcrPostgreSqlStore(connectionString
                ?? throw new InvalidOperationException("Store:Provider is PostgreSql: set ConnectionStrings:Dcr."));
            return;
        }

        // A relative SQLite file is relative to the content root, wherever the host is started from.
        var sqlite = new SqliteConnectionStringBuilder(connectionString ?? "Data Source=App_Data/dcr.db");
        if (sqlite.DataSource is { Length: > 0 } file && file != ":memory:" && !Path.IsPathRooted(file))
        {
            sqlite.DataSource = Path.Combine(builder.Environment.ContentRootPath, file);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(sqlite.DataSource) ?? appData);
        builder.Services.AddDcrSqliteStore(sqlite.ConnectionString);
    }

    /// <summary>
    /// Development only: the sandbox directory is a trust anchor, its CA a trusted root, and it serves TPP JWKS; its
    /// account-access consents (App_Data/sandbox/intents.db) are the bank's <see cref="IdentityServer.Dcr.Authorization.IIntentStore"/>.
    /// </summary>
    private static void AddSandbox(WebApplicationBuilder builder, SandboxPki sandbox, string sandboxDirectory)
    {
        var issuer = builder.Configuration["Sandbox:Issuer"] ?? "IdentityServer.Dcr Sandbox Directory";
        builder.Services.AddSingleton(sandbox);
        builder.Services.AddSandboxIntents(builder.Configuration, sandboxDirectory);
        builder.Services.PostConfigure<DcrOptions>(options =>
        {
            options.SoftwareStatement.TrustAnchors.Add(
                new TrustAnchorOptions { Issuer = issuer, Jwks = SandboxEndpoints.AnchorJwks(sandbox).ToJsonString() });
            options.Transport.TrustedRoots.Add(sandbox.CertificateAuthority);
        });

        // The sandbox serves TPP JWKS itself, over its own TLS certificate.
        builder.Services.Configure<JwksHttpHandlerOptions>(handler => handler.ConfigureHandler.Add(h =>
            h.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None
                    || certificate?.GetCertHashString() == sandbox.ServerCertificate.GetCertHashString()));
    }
}
