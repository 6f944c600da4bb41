// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.Stores;

/// <summary>
/// Durable storage of client registrations and of used registration request tokens (replay protection).
/// </summary>
/// <remarks>
/// The pipeline calls <see cref="CreateAsync"/> only after every check has passed. Implementations write the
/// registration and the used request token in one transaction: either both are stored or neither is. A store
/// that cannot be reached throws <see cref="DcrInfrastructureException"/> (the endpoint answers 503); it never
/// returns a half-written registration. The EF Core implementation lives in
/// <c>IdentityServer.Dcr.EntityFramework</c>; <see cref="InMemoryClientRegistrationStore"/> serves tests.
/// </remarks>
public interface IClientRegistrationStore
{
    /// <summary>Finds a registration by client identifier.</summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The registration, or <see langword="null"/>.</returns>
    Task<ClientRegistration?> FindByClientIdAsync(string clientId, CancellationToken ct);

    /// <summary>Whether any client is registered for a <c>software_id</c>.</summary>
    /// <param name="softwareId">The software identifier.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when one is.</returns>
    Task<bool> ExistsForSoftwareAsync(string softwareId, CancellationToken ct);

    /// <summary>Whether a registration request token (<c>iss</c>, <c>jti</c>) has been used.</summary>
    /// <param name="issuer">The request's <c>iss</c>.</param>
    /// <param name="jti">The request's <c>jti</c>.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when it has.</returns>
    Task<bool> IsRequestTokenUsedAsync(string issuer, string jti, CancellationToken ct);

    /// <summary>Stores a new registration and the request token that created it, atomically.</summary>
    /// <param name="registration">The registration.</param>
    /// <param name="requestToken">The request token, recorded against replay.</param>
    /// <param name="requireUniqueSoftware">Whether to refuse when the <c>software_id</c> is already registered.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The outcome; on anything but <see cref="StoreWriteResult.Success"/> nothing was written.</returns>
    Task<StoreWriteResult> CreateAsync(
        ClientRegistration registration,
        UsedRequestToken requestToken,
        bool requireUniqueSoftware,
        CancellationToken ct);

    /// <summary>
    /// Replaces a registration if it still has <paramref name="expectedConcurrencyStamp"/>, recording the request
    /// token, atomically.
    /// </summary>
    /// <param name="registration">The new state; its <see cref="ClientRegistration.ConcurrencyStamp"/> is the new stamp.</param>
    /// <param name="expectedConcurrencyStamp">The stamp read before the update.</param>
    /// <param name="requestToken">The request token, recorded against replay.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The outcome; on anything but <see cref="StoreWriteResult.Success"/> nothing was written.</returns>
    Task<StoreWriteResult> UpdateAsync(
        ClientRegistration registration,
        string expectedConcurrencyStamp,
        UsedRequestToken requestToken,
        CancellationToken ct);

    /// <summary>
    /// Disables a client (sets <see cref="ClientRegistration.DisabledAt"/> to now) or enables it again, with a new
    /// concurrency stamp (so an update read before it fails and reads again) and, where the store keeps one, an audit
    /// entry (<see cref="Auditing.DcrAuditOperations.Disable"/> or <see cref="Auditing.DcrAuditOperations.Enable"/>).
    /// Disabling a disabled client keeps its first <see cref="ClientRegistration.DisabledAt"/>.
    /// </summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="disabled"><see langword="true"/> to disable, <see langword="false"/> to enable.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see cref="StoreWriteResult.Success"/>, or <see cref="StoreWriteResult.NotFound"/> when there is no such registration.</returns>
    Task<StoreWriteResult> SetDisabledAsync(string clientId, bool disabled, CancellationToken ct);

    /// <summary>Deletes a registration.</summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a registration was deleted.</returns>
    Task<bool> DeleteAsync(string clientId, CancellationToken ct);
}
