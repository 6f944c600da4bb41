// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>
/// What to do with a transport certificate whose revocation status cannot be determined
/// (<see cref="TransportOptions.RevocationStatusUnknown"/>).
/// </summary>
public enum RevocationUnknownHandling
{
    /// <summary>Refuse it: 400 when the certificate names no revocation source, 503 when the source cannot be reached.</summary>
    Refuse,

    /// <summary>Accept it and log a warning.</summary>
    AcceptAndLog,
}
