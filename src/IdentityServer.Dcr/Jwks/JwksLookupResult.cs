// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Jose;

namespace IdentityServer.Dcr.Jwks;

/// <summary>The outcome of <see cref="IJwksResolver.FindKeyAsync(Uri, string?, string?, JwksSourceKind, CancellationToken)"/>.</summary>
public sealed class JwksLookupResult
{
    private JwksLookupResult(JwksLookupStatus status, Jwk? key, string reason)
    {
        Status = status;
        Key = key;
        Reason = reason;
    }

    /// <summary>The outcome.</summary>
    public JwksLookupStatus Status { get; }

    /// <summary>The public key, when <see cref="Status"/> is <see cref="JwksLookupStatus.Found"/>.</summary>
    public Jwk? Key { get; }

    /// <summary>Why the lookup failed, fit for an error description (no secrets); empty on success.</summary>
    public string Reason { get; }

    /// <summary>Creates a successful result.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The result.</returns>
    public static JwksLookupResult Found(Jwk key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(JwksLookupStatus.Found, key, string.Empty);
    }

    /// <summary>Creates a failed result.</summary>
    /// <param name="status">The failure.</param>
    /// <param name="reason">Why, fit for an error description.</param>
    /// <returns>The result.</returns>
    public static JwksLookupResult Failed(JwksLookupStatus status, string reason)
    {
        if (status == JwksLookupStatus.Found)
        {
            throw new ArgumentOutOfRangeException(nameof(status), "A failed lookup cannot have the status Found.");
        }

        return new(status, null, reason);
    }
}
