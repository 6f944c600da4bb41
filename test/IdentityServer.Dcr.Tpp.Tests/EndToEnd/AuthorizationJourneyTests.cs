// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Host.Development;
using IdentityServer.Dcr.Testing.Journey;
using IdentityServer.Dcr.Testing.PostgreSql;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.Keys;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The shared OBIE authorization journey (<see cref="AuthorizationJourneySuite"/>) on the OpenIddict demo bank
/// in-process, with the TPP side played by obie-tpp: <c>init</c>, <c>sandbox enrol</c>, <c>register</c>, <c>token</c>.
/// </summary>
[TestFixture]
public sealed class AuthorizationJourneyTests : AuthorizationJourneySuite
{
    private InProcessDemoHost? _host;

    protected override async Task<(IJourneyBank Bank, IJourneyTpp Tpp)> StartAsync()
    {
        // On PostgreSQL, as a bank runs it (the demo's default is SQLite).
        _host = await InProcessDemoHost.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Store:Provider"] = "PostgreSql",
            ["ConnectionStrings:Dcr"] = await PostgreSqlTestServer.CreateDatabaseAsync(),
        });
        try
        {
            return (new Bank(_host), await RegisterTppAsync());
        }
        catch
        {
            await _host.DisposeAsync();
            throw;
        }
    }

    protected override async Task<IJourneyTpp> RegisterTppAsync(IReadOnlyList<string>? responseTypes = null)
    {
        var host = _host ?? throw new InvalidOperationException("The bank is not started.");
        var directory = new TempDirectory();
        try
        {
            var context = new TppContext(new CapturedConsole().Console, new StateStore(directory.Path), insecure: true);
            await new InitCommand(context).RunAsync(new InitOptions(), CancellationToken.None);
            await new SandboxEnrolCommand(context).RunAsync(new SandboxEnrolOptions { Bank = host.Url }, CancellationToken.None);
            await new RegisterCommand(context).RunAsync(new RegisterOptions { Bank = host.Url, ResponseTypes = responseTypes ?? [] }, CancellationToken.None);
            return new ObieTpp(context, directory);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    private sealed class Bank(InProcessDemoHost host) : IJourneyBank
    {
        public string Url => host.Url;

        public IServiceProvider Services => host.Services;

        public X509Certificate2 ServerCertificate => host.Services.GetRequiredService<SandboxPki>().ServerCertificate;

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }

    /// <summary>The TPP as obie-tpp keeps it (state, signing key and transport certificate in its directory).</summary>
    private sealed class ObieTpp : IJourneyTpp
    {
        private readonly TppContext _context;
        private readonly TempDirectory _directory;
        private readonly SoftwareKey _key;
        private readonly TppState _state;

        public ObieTpp(TppContext context, TempDirectory directory)
        {
            _context = context;
            _directory = directory;
            _state = context.Store.Load();
            _key = context.LoadSigningKey(_state);
            TransportCertificate = context.LoadTransportCertificate(_state);
        }

        public string ClientId => _state.ClientId!;

        public string RedirectUri => _state.Registration!["redirect_uris"]![0]!.GetValue<string>();

        public string IdTokenSignedResponseAlg => _state.Registration!["id_token_signed_response_alg"]!.GetValue<string>();

        public X509Certificate2 TransportCertificate { get; }

        public string Sign(JsonObject claims) => _key.Sign(claims);

        public string ClientAssertion(string audience) => ClientAssertionBuilder.BuildSigned(ClientId, audience, _key, DateTimeOffset.UtcNow);

        public Task<string> AccessTokenAsync() => new TokenCommand(_context).RunAsync(new TokenOptions(), CancellationToken.None);

        public void Dispose()
        {
            _key.Dispose();
            TransportCertificate.Dispose();
            _directory.Dispose();
        }
    }
}
