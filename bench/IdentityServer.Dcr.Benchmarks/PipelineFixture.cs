// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using System.Text;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Validation;
using Jose;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdentityServer.Dcr.Benchmarks;

/// <summary>The whole engine, built as a host builds it, with the network and the database replaced by in-memory parts.</summary>
public sealed class PipelineFixture : IDisposable
{
    public const string Audience = "0015800001ZEZ3HAA3";
    public const string JwksUri = "https://keystore.example.com/tpp.jwks";

    private readonly ServiceProvider _provider;

    public PipelineFixture(TestSigningKey tppKey)
    {
        Pki = new TestPki();
        Directory = new TestDirectory();
        Tpp = new TestTpp(JwksUri, tppKey);
        Tpp.TransportCertificate = Pki.IssueClientCertificate(Tpp.LegacyTransportSubject());
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<IJwksResolver>(new StaticJwksResolver(Tpp.SigningKey.PublicJwk));
        services.AddDcr(options =>
        {
            options.SoftwareStatement.TrustAnchors.Add(new TrustAnchorOptions { Issuer = Directory.Issuer, Jwks = Directory.Jwks });
            options.RequestObject.AcceptedAudiences.Add(Audience);
            options.Transport.TrustedRoots.Add(Pki.RootCertificate);
            options.Transport.RevocationMode = X509RevocationMode.NoCheck;
        }).AddClientStore<NullClientRegistrationStore>().AddEvents<CapturingEvents>();
        _provider = services.BuildServiceProvider();
        Service = _provider.GetRequiredService<IRegistrationService>();
        MetadataValidator = _provider.GetRequiredService<IClientMetadataValidator>();
        Body = Encoding.UTF8.GetBytes(Tpp.Sign(Tpp.RegistrationClaims(Directory.IssueSoftwareStatement(Tpp), Audience)));

        // One real run of the pipeline leaves a validated context behind, for the claim-validation benchmark.
        var result = Service.RegisterAsync(Request, CancellationToken.None).GetAwaiter().GetResult();
        ValidatedContext = result.Succeeded ? ((CapturingEvents)_provider.GetRequiredService<DcrEvents>()).Last! : throw new InvalidOperationException(result.Error!.ErrorDescription);
    }

    public TestPki Pki { get; }

    public TestDirectory Directory { get; }

    public TestTpp Tpp { get; }

    public IRegistrationService Service { get; }

    public byte[] Body { get; }

    /// <summary>The client-metadata (claim) validation stage.</summary>
    public IClientMetadataValidator MetadataValidator { get; }

    /// <summary>A request context as the pipeline left it after validation: SSA and request claims parsed and verified.</summary>
    public DcrRequestContext ValidatedContext { get; }

    public DcrRequest Request => new("application/jose", Body, Tpp.TransportCertificate);

    public void Dispose()
    {
        _provider.Dispose();
        Tpp.Dispose();
        Directory.Dispose();
        Pki.Dispose();
    }

    /// <summary>Keeps the last validated context.</summary>
    private sealed class CapturingEvents : DcrEvents
    {
        public DcrRequestContext? Last { get; private set; }

        public override Task RequestValidatedAsync(DcrRequestContext context)
        {
            Last = context;
            return base.RequestValidatedAsync(context);
        }
    }

    /// <summary>Serves one key, as a warm JWKS cache does.</summary>
    private sealed class StaticJwksResolver(Jwk key) : IJwksResolver
    {
        public Task<JwksLookupResult> FindKeyAsync(Uri jwksUri, string? keyId, JwksSourceKind kind, CancellationToken ct)
            => Task.FromResult(JwksLookupResult.Found(key));
    }

    /// <summary>Accepts every write and remembers nothing, so one signed request can be registered again and again.</summary>
    private sealed class NullClientRegistrationStore : IClientRegistrationStore
    {
        public Task<ClientRegistration?> FindByClientIdAsync(string clientId, CancellationToken ct) => Task.FromResult<ClientRegistration?>(null);

        public Task<bool> ExistsForSoftwareAsync(string softwareId, CancellationToken ct) => Task.FromResult(false);

        public Task<bool> IsRequestTokenUsedAsync(string issuer, string jti, CancellationToken ct) => Task.FromResult(false);

        public Task<StoreWriteResult> CreateAsync(ClientRegistration registration, UsedRequestToken requestToken, bool requireUniqueSoftware, CancellationToken ct)
            => Task.FromResult(StoreWriteResult.Success);

        public Task<StoreWriteResult> UpdateAsync(ClientRegistration registration, string expectedConcurrencyStamp, UsedRequestToken requestToken, CancellationToken ct)
            => Task.FromResult(StoreWriteResult.Success);

        public Task<StoreWriteResult> SetDisabledAsync(string clientId, bool disabled, CancellationToken ct) => Task.FromResult(StoreWriteResult.NotFound);

        public Task<bool> DeleteAsync(string clientId, CancellationToken ct) => Task.FromResult(false);
    }
}
