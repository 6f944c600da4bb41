// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Journey;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.Duende.Tests.Authorization;

/// <summary>
/// The parties of the shared suites on the Duende demo bank: the bank in-process (<see cref="InProcessDuendeDemoHost"/>,
/// PostgreSQL) in a lifecycle environment, a first TPP registered over mutual TLS, and more on demand. The suite
/// disposes the bank and its TPPs; <see cref="DisposeAsync"/> ends the environment.
/// </summary>
internal sealed class DuendeDemoParties : IDemoBankParties
{
    private readonly TestEnvironment _environment;
    private readonly InProcessDuendeDemoHost _bank;

    private DuendeDemoParties(TestEnvironment environment, InProcessDuendeDemoHost bank, IJourneyTpp tpp)
    {
        _environment = environment;
        _bank = bank;
        Tpp = tpp;
    }

    /// <summary>The bank.</summary>
    public IJourneyBank Bank => _bank;

    /// <summary>The first TPP.</summary>
    public IJourneyTpp Tpp { get; }

    /// <summary>Starts the environment and the bank and registers the first TPP; on failure nothing is left running.</summary>
    public static async Task<DuendeDemoParties> StartAsync()
    {
        var environment = await TestEnvironment.StartAsync();
        InProcessDuendeDemoHost? bank = null;
        try
        {
            bank = await InProcessDuendeDemoHost.StartAsync(environment);
            return new DuendeDemoParties(environment, bank, await DuendeJourneyTpp.RegisterAsync(environment, bank));
        }
        catch
        {
            if (bank is not null)
            {
                await bank.DisposeAsync();
            }

            await environment.DisposeAsync();
            throw;
        }
    }

    /// <summary>Registers another TPP at the bank.</summary>
    /// <param name="responseTypes">The <c>response_types</c> to register; the default when <see langword="null"/>.</param>
    /// <returns>The TPP.</returns>
    public Task<IJourneyTpp> RegisterTppAsync(IReadOnlyList<string>? responseTypes = null)
        => DuendeJourneyTpp.RegisterAsync(_environment, _bank, responseTypes);

    public ValueTask DisposeAsync() => _environment.DisposeAsync();
}
