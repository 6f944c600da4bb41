// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Host.Development;
using IdentityServer.Dcr.Testing.Journey;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.Keys;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The OpenIddict demo bank in-process (<see cref="InProcessDemoHost"/>) as the shared suites use it
/// (<see cref="AuthorizationJourneySuite"/>, <see cref="OperatorAreaSuite"/>), with TPPs played by obie-tpp:
/// <c>init</c>, <c>sandbox enrol</c>, <c>register</c>, each in a directory of its own.
/// </summary>
internal sealed class DemoJourneyBank : IJourneyBank
{
    private readonly InProcessDemoHost _host;

    private DemoJourneyBank(InProcessDemoHost host) => _host = host;

    public string Url => _host.Url;

    public IServiceProvider Services => _host.Services;

    public X509Certificate2 ServerCertificate => _host.Services.GetRequiredService<SandboxPki>().ServerCertificate;

    /// <summary>
    /// Starts the bank; <paramref name="overrides"/> override the demo configuration (SQLite by default),
    /// <paramref name="configure"/> adds to its services.
    /// </summary>
    public static async Task<DemoJourneyBank> StartAsync(IReadOnlyDictionary<string, string?>? overrides = null, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null)
        => new(await InProcessDemoHost.StartAsync(overrides: overrides, configure: configure));

    /// <summary>Registers a new TPP with obie-tpp; the caller disposes it.</summary>
    public async Task<IJourneyTpp> RegisterTppAsync(IReadOnlyList<string>? responseTypes = null)
    {
        var directory = new TempDirectory();
        try
        {
            var context = new TppContext(new CapturedConsole().Console, new StateStore(directory.Path), insecure: true);
            await new InitCommand(context).RunAsync(new InitOptions(), CancellationToken.None);
            await new SandboxEnrolCommand(context).RunAsync(new SandboxEnrolOptions { Bank = Url }, CancellationToken.None);
            await new RegisterCommand(context).RunAsync(new RegisterOptions { Bank = Url, ResponseTypes = responseTypes ?? [] }, CancellationToken.None);
            return new ObieTpp(context, directory);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>This bank with its first TPP, for a suite's start; if the registration fails the bank is stopped, so nothing is left running.</summary>
    public async Task<IDemoBankParties> WithFirstTppAsync()
    {
        try
        {
            return new Parties(this, await RegisterTppAsync());
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    /// <summary>The bank and its first TPP, as a suite holds them (the suite disposes both; nothing else to end).</summary>
    private sealed class Parties(DemoJourneyBank bank, IJourneyTpp tpp) : IDemoBankParties
    {
        public IJourneyBank Bank => bank;

        public IJourneyTpp Tpp => tpp;

        public Task<IJourneyTpp> RegisterTppAsync(IReadOnlyList<string>? responseTypes = null) => bank.RegisterTppAsync(responseTypes);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
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
