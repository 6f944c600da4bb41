// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;
using Jose;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// The outcome of fetching and parsing one JWKS document (<see cref="JwksResolver.FetchAsync"/>): the usable
/// public signing keys, or why the document cannot be used. Transport faults are not results: they throw
/// <see cref="JwksUnavailableException"/>.
/// </summary>
public sealed class JwksFetchResult
{
    private JwksFetchResult(IReadOnlyList<Jwk>? keys, JwksLookupStatus status, string reason)
    {
        Keys = keys;
        Status = status;
        Reason = reason;
    }

    /// <summary>
    /// The usable public signing keys of the document (possibly none) when <see cref="Succeeded"/>; keys of other
    /// types or uses were skipped. The instances are shared by the cache: treat them as read-only.
    /// </summary>
    public IReadOnlyList<Jwk>? Keys { get; }

    /// <summary>Whether the document was fetched and parsed.</summary>
    [MemberNotNullWhen(true, nameof(Keys))]
    public bool Succeeded => Keys is not null;

    /// <summary>
    /// <see cref="JwksLookupStatus.Found"/> on success, otherwise <see cref="JwksLookupStatus.Invalid"/> or
    /// <see cref="JwksLookupStatus.Refused"/>.
    /// </summary>
    public JwksLookupStatus Status { get; }

    /// <summary>Why the document cannot be used, fit for an error description; empty on success.</summary>
    public string Reason { get; }

    /// <summary>Creates a successful result.</summary>
    /// <param name="keys">The usable public signing keys.</param>
    /// <returns>The result.</returns>
    public static JwksFetchResult Success(IReadOnlyList<Jwk> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new(keys, JwksLookupStatus.Found, string.Empty);
    }

    /// <summary>Creates a failed result.</summary>
    /// <param name="status"><see cref="JwksLookupStatus.Invalid"/> or <see cref="JwksLookupStatus.Refused"/>.</param>
    /// <param name="reason">Why, fit for an error description.</param>
    /// <returns>The result.</returns>
    public static JwksFetchResult Failed(JwksLookupStatus status, string reason)
    {
        if (status is not (JwksLookupStatus.Invalid or JwksLookupStatus.Refused))
        {
            throw new ArgumentOutOfRangeException(nameof(status), "A failed fetch has the status Invalid or Refused.");
        }

        ArgumentNullException.ThrowIfNull(reason);
        return new(null, status, reason);
    }
}
