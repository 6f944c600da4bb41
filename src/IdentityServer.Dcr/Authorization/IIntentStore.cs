// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Authorization;

/// <summary>
/// The bank's intents (OB account-access consents, payment consents, ...), as the authorization journey needs them: the
/// request object's <c>openbanking_intent_id</c> must name an intent of the same client that awaits authorisation, and
/// the customer's decision on the consent page settles it.
/// </summary>
/// <remarks>
/// Intents belong to the bank's Read/Write APIs, not to registration: the bank implements this over its own consent
/// store. The demo hosts implement it with a sandbox account-access-consent endpoint.
/// </remarks>
public interface IIntentStore
{
    /// <summary>Finds an intent by its identifier.</summary>
    /// <param name="intentId">The <c>openbanking_intent_id</c> (the consent id).</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The intent, or <see langword="null"/> when there is none with that identifier.</returns>
    Task<AuthorizationIntent?> FindAsync(string intentId, CancellationToken ct);

    /// <summary>
    /// Records the customer's decision on an intent that awaits authorisation: <see cref="IntentStatus.Authorised"/>
    /// or <see cref="IntentStatus.Rejected"/>. Atomic: of two concurrent decisions, one wins.
    /// </summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="clientId">The client the intent must belong to.</param>
    /// <param name="authorised">Whether the customer approved it.</param>
    /// <param name="customerId">The customer who decided (the subject of the tokens that follow).</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>
    /// <see langword="true"/> when the intent was awaiting authorisation for that client and is now settled;
    /// <see langword="false"/> when it is unknown, belongs to another client, was already settled, or has expired
    /// (stores let an intent await authorisation for a limited time only, and report an expired one as
    /// <see cref="IntentStatus.Revoked"/>).
    /// </returns>
    Task<bool> TrySettleAsync(string intentId, string clientId, bool authorised, string customerId, CancellationToken ct);
}

/// <summary>The status of an intent, as OB Read/Write names it.</summary>
public enum IntentStatus
{
    /// <summary>Created by the TPP, waiting for the customer.</summary>
    AwaitingAuthorisation,

    /// <summary>Approved by the customer.</summary>
    Authorised,

    /// <summary>Rejected by the customer.</summary>
    Rejected,

    /// <summary>Revoked or expired; no longer usable.</summary>
    Revoked,
}

/// <summary>An intent as the authorization journey sees it.</summary>
/// <param name="IntentId">Its identifier (<c>ConsentId</c>).</param>
/// <param name="ClientId">The client that created it.</param>
/// <param name="Status">Its status.</param>
/// <param name="Permissions">What it asks for (for example <c>ReadAccountsBasic</c>), shown on the consent page.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When the access it grants ends, if it does.</param>
public sealed record AuthorizationIntent(
    string IntentId,
    string ClientId,
    IntentStatus Status,
    IReadOnlyList<string> Permissions,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt);
