// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Registration;

/// <summary>Which registration operation a request performs.</summary>
public enum DcrOperation
{
    /// <summary><c>POST /register</c>: create a client.</summary>
    Create = 0,

    /// <summary><c>PUT /register/{ClientId}</c>: replace a client's metadata.</summary>
    Update = 1,
}
