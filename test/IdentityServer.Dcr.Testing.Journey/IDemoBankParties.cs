// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Testing.Journey;

/// <summary>
/// The parties a <see cref="DemoBankSuite"/> runs with: the bank, its first TPP, more TPPs on demand. The suite disposes
/// the bank and the first TPP, then these parties (what else the bank needed, an environment for example).
/// </summary>
public interface IDemoBankParties : IAsyncDisposable
{
    /// <summary>The bank, started.</summary>
    IJourneyBank Bank { get; }

    /// <summary>The first TPP, registered at <see cref="Bank"/>.</summary>
    IJourneyTpp Tpp { get; }

    /// <summary>Registers another TPP at <see cref="Bank"/>.</summary>
    /// <param name="responseTypes">The <c>response_types</c> to register; the TPP's default (<c>code id_token</c>) when <see langword="null"/>.</param>
    /// <returns>The TPP; the caller disposes it.</returns>
    Task<IJourneyTpp> RegisterTppAsync(IReadOnlyList<string>? responseTypes = null);
}
