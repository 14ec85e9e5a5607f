DROP TABLE recommendation_decisions;
DROP TABLE organization_ratings;
