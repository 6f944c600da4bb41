// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore.Design;

namespace IdentityServer.Dcr.OpenIddict.EntityFramework;

/// <summary>For <c>dotnet ef migrations add … --context PostgreSqlDcrOpenIddictDbContext</c> (no server needed).</summary>
internal sealed class PostgreSqlDcrOpenIddictDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlDcrOpenIddictDbContext>
{
    public PostgreSqlDcrOpenIddictDbContext CreateDbContext(string[] args)
        => (PostgreSqlDcrOpenIddictDbContext)DcrOpenIddictDbContextOptionsFactory.CreatePostgreSql("Host=localhost;Database=design_time");
}
