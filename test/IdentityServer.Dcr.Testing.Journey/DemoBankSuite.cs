// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;

namespace IdentityServer.Dcr.Testing.Journey;

/// <summary>
/// A suite run against a demo bank in-process: each bank's test project derives one fixture per suite and supplies the
/// bank and a registered TPP (<see cref="StartAsync"/>), and more TPPs on demand (<see cref="RegisterTppAsync"/>). The
/// bank and the first TPP live for the fixture.
/// </summary>
public abstract class DemoBankSuite
{
    private IDemoBankParties? _parties;

    /// <summary>The bank started by <see cref="StartAsync"/>.</summary>
    protected IJourneyBank Bank { get; private set; } = null!;

    /// <summary>The TPP registered by <see cref="StartAsync"/>.</summary>
    protected IJourneyTpp Tpp { get; private set; } = null!;

    /// <summary>Starts the bank and registers a TPP there.</summary>
    /// <returns>The parties; the bank, the TPP and then the parties are disposed after the fixture.</returns>
    protected abstract Task<IDemoBankParties> StartAsync();

    /// <summary>Registers another TPP at the bank started by <see cref="StartAsync"/> (for tests that delete or disable their client, or need other response types).</summary>
    /// <param name="responseTypes">The <c>response_types</c> to register; the TPP's default (<c>code id_token</c>) when <see langword="null"/>.</param>
    /// <returns>The TPP; the test disposes it.</returns>
    protected Task<IJourneyTpp> RegisterTppAsync(IReadOnlyList<string>? responseTypes = null)
        => (_parties ?? throw new InvalidOperationException("The bank is not started.")).RegisterTppAsync(responseTypes);

    /// <summary>Runs once the bank and the TPP are there (a suite reads the bank's discovery document, for example).</summary>
    /// <returns>A task.</returns>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    /// <summary>A person's browser as a plain HTTP client: no client certificate, cookies kept, redirects not followed (a TPP's redirect URI is not a server here).</summary>
    /// <returns>The client; the caller disposes it.</returns>
    protected static HttpClient BrowserClient()
        => new(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        });

    /// <summary>A TPP's HTTP client: mutual TLS with its transport certificate.</summary>
    /// <param name="tpp">The TPP.</param>
    /// <returns>The client; the caller disposes it.</returns>
    protected static HttpClient TppClientFor(IJourneyTpp tpp)
    {
        ArgumentNullException.ThrowIfNull(tpp);
        return new(new HttpClientHandler
        {
            ClientCertificates = { tpp.TransportCertificate },
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        });
    }

    [OneTimeSetUp]
    public async Task StartBankAsync()
    {
        _parties = await StartAsync();
        (Bank, Tpp) = (_parties.Bank, _parties.Tpp);
        await OnStartedAsync();
    }

    [OneTimeTearDown]
    public async Task StopBankAsync()
    {
        Tpp?.Dispose();
        if (Bank is not null)
        {
            await Bank.DisposeAsync();
        }

        if (_parties is not null)
        {
            await _parties.DisposeAsync();
        }
    }
}
