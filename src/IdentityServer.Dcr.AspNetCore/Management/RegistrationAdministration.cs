// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Logging;
using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.Registration;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.AspNetCore.Management;

/// <summary>
/// The changes a bank makes to a registration outside the TPP's own requests, with what must come with them: disabling
/// or enabling a client, and deleting it; the tokens it holds are revoked through the plug-in's
/// <see cref="IClientTokenRevoker"/>. An operator page calls it (with the operator's name, written to the audit trail
/// as <see cref="DcrAuditRecord.Actor"/>); <c>DELETE /register/{ClientId}</c> calls <see cref="DeleteAsync"/> too.
/// </summary>
public class RegistrationAdministration
{
    /// <summary>Creates the service.</summary>
    /// <param name="registrations">The registration service of the plug-in (writes the registration and the server's client together).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="revoker">The plug-in's token revoker; none when <see langword="null"/> (tokens then expire on their own).</param>
    public RegistrationAdministration(
        IRegistrationService registrations,
        ILogger<RegistrationAdministration> logger,
        IClientTokenRevoker? revoker = null)
    {
        Registrations = registrations;
        Revoker = revoker;
        Logger = logger;
    }

    /// <summary>The registration service.</summary>
    protected IRegistrationService Registrations { get; }

    /// <summary>Revokes tokens; <see langword="null"/> when the server plug-in provides none (tokens then expire on their own).</summary>
    protected IClientTokenRevoker? Revoker { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>
    /// Disables a client: from now on its client authentication, authorization requests and registration management are
    /// refused, and the tokens it holds are revoked. Its registration is kept, to be enabled again or deleted.
    /// </summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="actor">Who disables it (for the audit trail), for example <c>operator:alice</c>.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the client exists (and is now disabled).</returns>
    /// <exception cref="DcrInfrastructureException">The store failed.</exception>
    public virtual async Task<bool> DisableAsync(string clientId, string actor, CancellationToken ct)
    {
        if (!await SetDisabledAsync(clientId, disabled: true, actor, ct).ConfigureAwait(false))
        {
            return false;
        }

        Logger.ClientDisabledByOperator(clientId, actor);
        await RevokeAsync(clientId, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Enables a disabled client again: it can authenticate and be authorized as before. Tokens revoked when it was
    /// disabled stay revoked; it asks for new ones.
    /// </summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="actor">Who enables it (for the audit trail).</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the client exists (and is now enabled).</returns>
    /// <exception cref="DcrInfrastructureException">The store failed.</exception>
    public virtual async Task<bool> EnableAsync(string clientId, string actor, CancellationToken ct)
    {
        if (!await SetDisabledAsync(clientId, disabled: false, actor, ct).ConfigureAwait(false))
        {
            return false;
        }

        Logger.ClientEnabledByOperator(clientId, actor);
        return true;
    }

    /// <summary>Deletes a registration, and the server's client with it, then revokes every token it was issued.</summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="actor">Who deletes it (for the audit trail); <see langword="null"/> when the TPP deletes its own registration.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a registration was deleted.</returns>
    /// <exception cref="DcrInfrastructureException">The store failed.</exception>
    public virtual async Task<bool> DeleteAsync(string clientId, string? actor, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        bool deleted;
        using (actor is null ? null : DcrAuditActor.Begin(actor))
        {
            deleted = await Registrations.DeleteAsync(clientId, ct).ConfigureAwait(false);
        }

        // Revoked even when there was no registration: a server client left without one still loses its tokens.
        await RevokeAsync(clientId, ct).ConfigureAwait(false);
        return deleted;
    }

    private async Task<bool> SetDisabledAsync(string clientId, bool disabled, string actor, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        using (DcrAuditActor.Begin(actor))
        {
            return await Registrations.SetDisabledAsync(clientId, disabled, ct).ConfigureAwait(false);
        }
    }

    private Task RevokeAsync(string clientId, CancellationToken ct)
        => Revoker is null ? Task.CompletedTask : Revoker.RevokeClientTokensAsync(clientId, ct);
}
