using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IdentityServer.Dcr.EntityFramework.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DcrClientRegistrations",
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SoftwareId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    OrganisationId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    SoftwareStatementIssuer = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    TokenEndpointAuthMethod = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TlsClientAuthSubjectDn = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    JwksUri = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    MetadataJson = table.Column<string>(type: "TEXT", nullable: false),
                    SoftwareStatement = table.Column<string>(type: "TEXT", nullable: false),
                    SoftwareStatementClaims = table.Column<string>(type: "TEXT", nullable: false),
                    ClientSecretHash = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    ClientSecretExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ClientIdIssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ConcurrencyStamp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DcrClientRegistrations", x => x.ClientId);
                });

            migrationBuilder.CreateTable(
                name: "DcrUsedRequestTokens",
                columns: table => new
                {
                    Issuer = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Jti = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DcrUsedRequestTokens", x => new { x.Issuer, x.Jti });
                });

            migrationBuilder.CreateIndex(
                name: "IX_DcrClientRegistrations_OrganisationId",
                table: "DcrClientRegistrations",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_DcrClientRegistrations_SoftwareId",
                table: "DcrClientRegistrations",
                column: "SoftwareId");

            migrationBuilder.CreateIndex(
                name: "IX_DcrUsedRequestTokens_ExpiresAt",
                table: "DcrUsedRequestTokens",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DcrClientRegistrations");

            migrationBuilder.DropTable(
                name: "DcrUsedRequestTokens");
        }
    }
}
