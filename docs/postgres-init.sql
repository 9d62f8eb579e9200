-- A second database for Rasa's tracker store beside the case API's.
CREATE DATABASE rasa OWNER wegweiser;
